"""Urgent signals as concepts: small named detectors for what the seeds call urgent.

=================  =========================================================
detector           concept (level)
=================  =========================================================
``money_taken``    charged twice, despite a failed payment, after cancelling,
                   without consent, or out of proportion to the price (P1)
``large_amount``   an amount above the policy's threshold (P1 in a complaint;
                   a person looks at it whatever the kind)
``major_loss``     the customer's business or production stopped (P1)
``mass_impact``    many people affected: a group, "they all", 5+ people (P1)
``data_exposed``   personal data shown or sent to others, account taken (P1)
``safety``         fire, shock, injury, poisoning (P1); a mild reaction (P2)
``outage``         the service down (P1); one customer locked out (P2)
``public_exposure`` media, platforms, regulators, lawyers, in any tense (P1)
``strong_emotion`` anger named or shouted (P2, a person answers)
=================  =========================================================

:func:`detect` runs a list of detectors and returns their findings; the
keyword classifier turns them into P1, ``needs_human`` and reasons.  A host
adds its own detector by passing any object with ``name`` and
``detect(text, context)`` (:class:`Detector`).
"""

from __future__ import annotations

from collections.abc import Iterable

from complaintflow.classify.automaton import Backend, build_matcher
from complaintflow.classify.concepts.base import Context, Detector, Finding
from complaintflow.classify.concepts.emotion import StrongEmotion
from complaintflow.classify.concepts.harm import Outage, PublicExposure, Safety
from complaintflow.classify.concepts.money import LargeAmount, MajorLoss, MoneyTaken
from complaintflow.classify.concepts.people import DataExposed, MassImpact

__all__ = [
    "Context",
    "DataExposed",
    "Detector",
    "DetectorSet",
    "Finding",
    "LargeAmount",
    "MajorLoss",
    "MassImpact",
    "MoneyTaken",
    "Outage",
    "PublicExposure",
    "Safety",
    "StrongEmotion",
    "default_detectors",
    "detect",
]


def default_detectors() -> tuple[Detector, ...]:
    """A fresh set of the built-in detectors, in reporting order."""
    return (
        MoneyTaken(),
        LargeAmount(),
        MajorLoss(),
        MassImpact(),
        DataExposed(),
        Safety(),
        Outage(),
        PublicExposure(),
        StrongEmotion(),
    )


def detect(text: str, context: Context, detectors: Iterable[Detector]) -> list[Finding]:
    """Every finding of ``detectors`` on normalised ``text``, in detector order."""
    found = []
    for detector in detectors:
        finding = detector.detect(text, context)
        if finding is not None:
            found.append(finding)
    return found


class DetectorSet:
    """Detectors behind one pass of a multi-word matcher over their ``triggers``.

    A detector may list ``triggers``: words one of which every match of it
    contains.  One automaton pass finds which triggers occur, and only those
    detectors (and the ones without triggers) run, so a text with no money
    word never meets the money patterns.  Same findings as :func:`detect`
    (the test suite checks it on every labelled sample); a draft with a
    claimed amount runs everything, as the amount is not in the text.
    """

    def __init__(self, detectors: Iterable[Detector], backend: Backend = "auto") -> None:
        self.detectors: tuple[Detector, ...] = tuple(detectors)
        owners: dict[str, set[int]] = {}
        self._always: frozenset[int] = frozenset(
            index
            for index, detector in enumerate(self.detectors)
            if not getattr(detector, "triggers", None)
        )
        for index, detector in enumerate(self.detectors):
            for word in getattr(detector, "triggers", None) or ():
                owners.setdefault(word, set()).add(index)
        self._words = tuple(owners)
        self._owners = tuple(frozenset(owners[word]) for word in self._words)
        self._all = frozenset(range(len(self.detectors)))
        self._matcher = build_matcher(self._words, backend) if self._words else None

    def detect(self, text: str, context: Context) -> list[Finding]:
        if self._matcher is None or context.claimed is not None:
            return detect(text, context, self.detectors)
        wanted = set(self._always)
        for _, _, index in self._matcher.find(text):
            wanted |= self._owners[index]
            if len(wanted) == len(self._all):
                break
        return detect(text, context, (d for i, d in enumerate(self.detectors) if i in wanted))
