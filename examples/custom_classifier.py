"""Define a classifier of your own, register it by name, and chain it with the built-in one.

Run it: ``python examples/custom_classifier.py``.

A classifier is any object with ``classify(draft) -> Classification``; no
base class is needed.  This one knows a bank's own vocabulary: a lost or
swallowed card is urgent, whatever the wording around it.  Chained in front
of the built-in keyword classifier it decides kind, category and priority of
the texts it recognises (kind and category go to the first classifier that
decided them, priority to the most urgent one) and leaves every other text
to the lexicon, by deciding nothing there.

To ship it as a plugin instead of registering it at runtime, declare an
entry point in your package's ``pyproject.toml``::

    [project.entry-points."complaintflow.classifiers"]
    bank-cards = "acme_bank.classifiers:CardClassifier"

and ``load_classifier("bank-cards")`` finds it once the package is installed.

The same knowledge also fits in as an urgent-signal *detector*
(``CardEmergency``): one more concept beside the built-in ones (money taken,
data exposed, outage ...), with its reason in ``explain()``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from complaintflow.classify import (
    Classification,
    ClassifierChain,
    Context,
    Finding,
    KeywordClassifier,
    Reason,
    load_classifier,
    register_classifier,
)
from complaintflow.classify.concepts import default_detectors
from complaintflow.domain.values import Customer, TicketDraft

URGENT_CARD_WORDS = ("吞卡", "卡丢了", "挂失", "lost my card", "card was swallowed")


class CardClassifier:
    """A lost or swallowed card: a P1 complaint about a payment, for a human to look at.

    On any other text it decides nothing (every field defaulted), so the next
    classifier of a chain decides instead.
    """

    def __init__(self, words: tuple[str, ...] = URGENT_CARD_WORDS) -> None:
        self.words = words

    def classify(self, draft: TicketDraft) -> Classification:
        text = draft.description.casefold()
        found = [word for word in self.words if word in text]
        if not found:
            # Nothing known: every field defaulted, so a chain ignores this proposal.
            return Classification(kind="complaint", priority="P3", defaulted={"kind", "priority"})
        return Classification(
            kind="complaint",
            category="billing.payment",
            priority="P1",
            needs_human=True,
            tags=["card_emergency"],
            confidence=0.9,
            reasons=[Reason("bank-cards", "priority", "P1", "urgent card words", found[0])],
        )


class CardEmergency:
    """A lost or swallowed card as an urgent concept for the keyword classifier."""

    name = "card_emergency"
    triggers = URGENT_CARD_WORDS  # the detector runs only on texts holding one of them

    def detect(self, text: str, context: Context) -> Finding | None:
        found = next((word for word in URGENT_CARD_WORDS if word in text), None)
        return None if found is None else Finding(self.name, found, detail="a card to block")


def main() -> None:
    register_classifier("bank-cards", CardClassifier, replace=True)
    chain = ClassifierChain([load_classifier("bank-cards"), load_classifier("keyword")])

    received = datetime(2026, 5, 20, 9, 30, tzinfo=UTC)
    texts = [
        "ATM吞卡了，卡里还有工资，怎么办",
        "I think I lost my card at the airport, please block it",
        "网银转账一直提示支付失败，客服也不回复",
    ]
    for text in texts:
        draft = TicketDraft(text, "phone", received, Customer("C-1001", "regular"))
        result = chain.classify(draft)
        category = result.category.value if result.category else "-"
        print(
            f"{text}\n  -> {result.kind.value} / {category} / {result.priority.value}"
            f" / needs_human={result.needs_human}"
        )
        for reason in result.reasons[:3]:
            print(f"     {reason}")

    keyword = KeywordClassifier(detectors=[*default_detectors(), CardEmergency()])
    result = keyword.classify(TicketDraft("ATM吞卡了，怎么办", "phone", received))
    print(
        f"as a detector: {result.priority.value}, "
        + next(str(r) for r in result.reasons if r.rule == "concept:card_emergency")
    )


if __name__ == "__main__":
    main()
