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
from complaintflow.classify.concepts.scripted import Scripted, possible_patterns

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
    """Detectors that run only on texts where they can find something.

    A detector may say what it needs to find anything: ``patterns``, the
    :class:`~.scripted.Scripted` patterns one of which must match (the
    built-in detectors), or ``triggers``, words one of which every match of
    it contains (one automaton pass finds them).  A detector whose patterns
    cannot match and whose triggers are absent does not run, so a text with
    no money word never meets the money patterns; a detector that says
    neither always runs.  Same findings as :func:`detect` (the test suite
    checks it on every labelled sample); a draft with a claimed amount runs
    everything, as the amount is not in the text.
    """

    def __init__(self, detectors: Iterable[Detector], backend: Backend = "auto") -> None:
        self.detectors: tuple[Detector, ...] = tuple(detectors)
        owners: dict[str, set[int]] = {}
        self._by_pattern: dict[int, set[int]] = {}
        always: set[int] = set()
        for index, detector in enumerate(self.detectors):
            patterns: Iterable[Scripted] = getattr(detector, "patterns", None) or ()
            triggers: Iterable[str] = getattr(detector, "triggers", None) or ()
            if not patterns and not triggers:
                always.add(index)
            for pattern in patterns:
                if pattern.number is None:
                    always.add(index)  # the pattern may match anything
                else:
                    self._by_pattern.setdefault(pattern.number, set()).add(index)
            for word in triggers:
                owners.setdefault(word, set()).add(index)
        self._always = frozenset(always)
        self._owners = tuple(frozenset(found) for found in owners.values())
        self._matcher = build_matcher(list(owners), backend) if owners else None

    def detect(self, text: str, context: Context) -> list[Finding]:
        if context.claimed is not None:
            return detect(text, context, self.detectors)
        wanted = set(self._always)
        if self._matcher is not None:
            for word in self._matcher.present(text):
                wanted |= self._owners[word]
        if self._by_pattern:
            for number in possible_patterns(text):
                wanted.update(self._by_pattern.get(number, ()))
        return detect(text, context, (d for i, d in enumerate(self.detectors) if i in wanted))
