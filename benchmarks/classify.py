"""Benchmark: the keyword matcher vs a naive loop; the classifiers end to end.

Run: ``python benchmarks/classify.py`` (add ``--quick`` for a short run).

The last lines time whole classifications: the keyword classifier with its
concept detectors and kind rules (target: at least 20,000 texts/s), and,
when scikit-learn is installed (the ``ml`` extra), the trained classifier's
training time on 10,000 samples and its per-text latency alone and chained.

Lexicons of 100, 1,000 and 10,000 keywords: the built-in zh + en terms,
topped up with synthetic Chinese and English terms.  Texts: the labelled
sample set (real-looking customer texts).  Both sides run in this process
on the same texts; the table reports texts per second and the speed-up.
The automaton's cost should stay nearly flat as the lexicon grows; the
naive loop's grows linearly.

Rates are CPU time of this process (``time.process_time``), best of a
few repeats: on a machine shared with other jobs wall-clock time counts
the time the process waited for a core.

``--baseline REV`` times the keyword classifier of that git revision too
(a temporary git worktree, run in a subprocess, interleaved with this
tree's runs) and prints both rates and the speed-up: on a shared machine
the ratio of interleaved runs is steadier than either rate.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from complaintflow.classify import KeywordClassifier, Lexicon, normalize
from complaintflow.classify.automaton import Automaton, build_matcher, fast_backend_available
from complaintflow.classify.matching import LexiconMatcher
from complaintflow.classify.samples import LabelledSample, load_samples
from complaintflow.domain.values import TicketDraft
from complaintflow.errors import MissingExtraError

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "classification_samples.jsonl"
COMMON_HANZI = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过"
)


def texts() -> list[str]:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    return [normalize(json.loads(line)["text"]) for line in lines if line.strip()]


def keywords(size: int, rng: random.Random) -> list[str]:
    builtin = sorted(term.rstrip("*") for term in Lexicon.builtin().entries)
    rng.shuffle(builtin)
    chosen = dict.fromkeys(builtin[:size])
    while len(chosen) < size:
        if rng.random() < 0.5:
            term = "".join(rng.choice(COMMON_HANZI) for _ in range(rng.randint(2, 4)))
        else:
            term = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))
        chosen[term] = None
    return list(chosen)


def rate(run: Callable[[str], object], corpus: Sequence[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for text in corpus:
            run(text)
        best = min(best, time.process_time() - start)
    return len(corpus) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer texts and repeats")
    parser.add_argument("--baseline", help="a git revision to compare the keyword classifier with")
    parser.add_argument("--keyword-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.keyword_only:  # the baseline's side of --baseline: one number
        print(1 / per_text(KeywordClassifier().classify, drafts() * 4, 3))
        return
    if args.baseline:
        compare(args.baseline)
        return
    rng = random.Random(20260520)
    base = texts()
    corpus = base * (2 if args.quick else 8)
    repeat = 2 if args.quick else 3
    print(f"{len(corpus)} texts, mean length {sum(map(len, corpus)) / len(corpus):.0f} chars")
    print(f"pyahocorasick installed: {fast_backend_available()}")
    header = (
        f"{'keywords':>9} {'matches/text':>12} {'naive texts/s':>14} {'automaton texts/s':>18}"
        f" {'speed-up':>9}"
    )
    if fast_backend_available():
        header += f" {'pyahocorasick':>14}"
    print(header)
    for size in (100, 1_000, 10_000):
        words = keywords(size, rng)
        automaton = Automaton(words)

        def naive(text: str, words: list[str] = words) -> list[str]:
            return [word for word in words if word in text]

        naive_rate = rate(naive, corpus, repeat)
        auto_rate = rate(automaton.find, corpus, repeat)
        matches = sum(len(automaton.find(text)) for text in base) / len(base)
        line = (
            f"{size:>9,} {matches:>12.1f} {naive_rate:>14,.0f} {auto_rate:>18,.0f}"
            f" {auto_rate / naive_rate:>8.1f}x"
        )
        if fast_backend_available():
            fast = build_matcher(words, "pyahocorasick")
            line += f" {rate(fast.find, corpus, repeat):>14,.0f}"
        print(line)
    full = LexiconMatcher(Lexicon.builtin(), backend="python")
    print(
        f"full pipeline (built-in lexicon, {len(Lexicon.builtin()):,} terms, boundaries, "
        f"negation): {rate(full.hits, corpus, repeat):,.0f} texts/s"
    )
    classifiers(args.quick, repeat)


def drafts() -> list[TicketDraft]:
    samples = load_samples(SAMPLES) + load_samples(SAMPLES.with_name("classification_dev.jsonl"))
    return [sample.draft() for sample in samples]


def synthetic(count: int, rng: random.Random) -> list[LabelledSample]:
    """``count`` labelled samples: the labelled texts with greetings and a dropped character."""
    base = load_samples(SAMPLES) + load_samples(SAMPLES.with_name("classification_dev.jsonl"))
    openers = ["", "你好，", "您好！", "Hi, ", "Hello team, ", "客服你好 ", "urgent: "]
    closers = ["", "谢谢", "。", " thanks", " pls reply", "！！", " 盼复"]
    made = []
    for _ in range(count):
        sample = rng.choice(base)
        text = sample.text
        if len(text) > 8 and rng.random() < 0.5:
            cut = rng.randrange(len(text))
            text = text[:cut] + text[cut + 1 :]
        made.append(attrs.evolve(sample, text=rng.choice(openers) + text + rng.choice(closers)))
    return made


def per_text(
    classify: Callable[[TicketDraft], object], items: Sequence[TicketDraft], repeat: int
) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            classify(item)
        best = min(best, time.process_time() - start)
    return best / len(items)


def classifiers(quick: bool, repeat: int) -> None:
    items = drafts() * (2 if quick else 8)
    keyword = KeywordClassifier()
    seconds = per_text(keyword.classify, items, repeat)
    print(
        f"keyword classifier (lexicon + concept detectors + kind rules): "
        f"{1 / seconds:,.0f} texts/s, {seconds * 1e6:.0f} us/text (target >= 20,000 texts/s)"
    )
    try:
        from complaintflow.classify import train
        from complaintflow.classify.trained import TrainedClassifier, chain_with_keyword

        samples = synthetic(2_000 if quick else 10_000, random.Random(14))
        start = time.perf_counter()
        model = train(samples)
    except MissingExtraError as error:
        print(f"trained classifier: not timed ({error})")
        return
    trained_for = time.perf_counter() - start
    trained = TrainedClassifier(model)
    chain = chain_with_keyword(trained, keyword)
    few = items[: len(items) // 4]
    alone = per_text(trained.classify, few, repeat)
    chained = per_text(chain.classify, few, repeat)
    print(
        f"trained classifier: training on {len(samples):,} samples {trained_for:.1f} s "
        f"({len(model.vocabulary):,} features); per text {alone * 1e3:.2f} ms alone, "
        f"{chained * 1e3:.2f} ms chained with the keyword classifier"
    )


def compare(rev: str, rounds: int = 3) -> None:
    """This tree's keyword classifier against ``rev``'s, in alternating subprocesses."""
    top = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(top), "worktree", "add", "--detach", "-q", str(tree), rev], check=True
        )
        try:
            rates: dict[str, list[float]] = {"baseline": [], "this tree": []}
            for _ in range(rounds):
                for name, src in (("baseline", tree / "src"), ("this tree", top / "src")):
                    out = subprocess.run(
                        [sys.executable, __file__, "--keyword-only"],
                        check=True,
                        capture_output=True,
                        text=True,
                        env={**os.environ, "PYTHONPATH": str(src)},
                    ).stdout
                    rates[name].append(float(out))
        finally:
            subprocess.run(
                ["git", "-C", str(top), "worktree", "remove", "--force", str(tree)], check=True
            )
    old, new = max(rates["baseline"]), max(rates["this tree"])
    print(
        f"keyword classifier, best of {rounds} interleaved runs: {rev} {old:,.0f} texts/s, "
        f"this tree {new:,.0f} texts/s: {new / old:.2f}x"
    )


if __name__ == "__main__":
    main()
