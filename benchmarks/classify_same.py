"""Check: the keyword classifier gives the same output as at another revision.

Run: ``python benchmarks/classify_same.py --baseline REV`` (e.g. ``main``).

A speed change to the classifier must not change a single result.  This
script classifies every labelled text of the project (the sample, dev and
held-out sets), each also on the social channel for a VIP customer, and a
few thousand noisy variants (greetings added, a character dropped), and
records kind, category, priority, tags, needs_human, confidence, reasons
and defaulted fields.  With ``--baseline REV`` it runs the same dump on
that revision's code (a temporary git worktree, in a subprocess) and lists
every text whose output differs; it exits 1 if any does.  ``--dump`` prints
this tree's outputs as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from complaintflow.classify import KeywordClassifier
from complaintflow.classify.samples import load_samples
from complaintflow.domain.values import Customer, TicketDraft
from complaintflow.domain.vocabulary import Channel, CustomerTier

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = ("classification_samples", "classification_dev", "classification_holdout")
OPENERS = ["", "你好，", "您好！", "Hi, ", "Hello team, ", "urgent: ", "客服 "]
CLOSERS = ["", "谢谢", "。", " thanks", "！！", " 盼复", "???"]


def drafts(noisy: int = 3000) -> list[TicketDraft]:
    """The labelled drafts, their social/VIP twins, and ``noisy`` seeded variants."""
    samples = [sample for name in SETS for sample in load_samples(DATA / f"{name}.jsonl")]
    made = [sample.draft() for sample in samples]
    vip = Customer("sample", CustomerTier.VIP)
    made += [
        TicketDraft(sample.text, Channel.SOCIAL, sample.draft().received_at, vip)
        for sample in samples
    ]
    rng = random.Random(14)
    for _ in range(noisy):
        draft = rng.choice(made)
        text = draft.description
        if len(text) > 8 and rng.random() < 0.5:
            cut = rng.randrange(len(text))
            text = text[:cut] + text[cut + 1 :]
        text = rng.choice(OPENERS) + text + rng.choice(CLOSERS)
        made.append(TicketDraft(text, draft.channel, draft.received_at, draft.customer))
    return made


def dump() -> list[dict[str, object]]:
    classifier = KeywordClassifier()
    rows = []
    for draft in drafts():
        result = classifier.classify(draft)
        rows.append(
            {
                "text": draft.description,
                "channel": draft.channel.value,
                "kind": result.kind.value,
                "category": None if result.category is None else result.category.value,
                "priority": result.priority.value,
                "tags": list(result.tags),
                "needs_human": result.needs_human,
                "confidence": result.confidence,
                "reasons": [
                    [r.source, r.field, r.value, r.rule, r.evidence] for r in result.reasons
                ],
                "defaulted": sorted(result.defaulted),
            }
        )
    return rows


def baseline(rev: str) -> list[dict[str, object]]:
    top = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(top), "worktree", "add", "--detach", "-q", str(tree), rev], check=True
        )
        try:
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            out = subprocess.run(
                [sys.executable, __file__, "--dump"],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout
        finally:
            subprocess.run(
                ["git", "-C", str(top), "worktree", "remove", "--force", str(tree)], check=True
            )
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="the git revision to compare with (e.g. main)")
    parser.add_argument("--dump", action="store_true", help="print this tree's outputs")
    args = parser.parse_args()
    if args.dump or not args.baseline:
        for row in dump():
            print(json.dumps(row, ensure_ascii=False))
        return 0
    old = baseline(args.baseline)
    new = dump()
    if len(old) != len(new):
        print(f"{len(old)} texts at {args.baseline}, {len(new)} here: the sets differ")
        return 1
    differ = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    for before, after in differ[:20]:
        print(json.dumps(before, ensure_ascii=False))
        print(json.dumps(after, ensure_ascii=False), end="\n\n")
    print(f"{len(new)} classifications compared with {args.baseline}: {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
