"""The built-in classifier: weighted lexicon evidence, then SPEC §2.2 priority rules.

``KeywordClassifier().classify(draft)``:

1. finds lexicon terms in the description (:class:`~.matching.LexiconMatcher`);
2. sums the weights of the terms that are not negated, per kind and per
   category; the highest wins (ties: complaint, inquiry, suggestion, praise;
   for categories the one named first).  No kind evidence: complaint,
   marked ``defaulted`` and ``needs_human``; no category evidence: None;
3. runs the urgent-signal detectors (:mod:`~complaintflow.classify.concepts`:
   money taken wrongly, a large amount, mass impact, a data leak, safety,
   an outage, public exposure) and reads the whole message for its kind
   (:mod:`~complaintflow.classify.kinds`: praise after a fix, a proposal
   phrased as a question, a complaint phrased as a question);
4. sets the priority: suggestion and praise P4, inquiry P3; a complaint is
   P3, P4 for a minor flaw, P2 for a broken core function or a strong
   negative emotion, P1 when a detector finds an urgent concept or a
   lexicon P1 term matches, and P1 on the social channel when it names a
   public-opinion risk; a VIP's complaint or inquiry is at least P2 (seed
   001 §1.2); an inquiry naming a large amount is P2;
5. ``needs_human`` when a negative emotion was named, a detector's concept
   asks for a person in a complaint, an amount above the threshold was
   claimed (draft ``claimed_amount`` or an amount in the text, seed 002 §1),
   the priority is P1, or nothing was recognised.
"""

from __future__ import annotations

from collections.abc import Iterable

from complaintflow.classify.automaton import Backend
from complaintflow.classify.base import Classification, Field, Reason
from complaintflow.classify.concepts import (
    Context,
    Detector,
    DetectorSet,
    Finding,
    default_detectors,
)
from complaintflow.classify.evidence import Evidence
from complaintflow.classify.kinds import apply_kind_rules, has_problem, turn_after_praise
from complaintflow.classify.lexicon import Lexicon
from complaintflow.classify.matching import Hit, LexiconMatcher
from complaintflow.classify.topics import fallback_category
from complaintflow.domain.money import Money
from complaintflow.domain.values import TicketDraft
from complaintflow.domain.vocabulary import Category, Channel, CustomerTier, Kind, Priority
from complaintflow.errors import ValidationError

__all__ = ["DEFAULT_AMOUNT_THRESHOLD", "DEFAULT_AMOUNT_THRESHOLDS", "KeywordClassifier"]

#: Seed 002 §1: business above 500,000 goes to a person.
DEFAULT_AMOUNT_THRESHOLD = Money("500000", "CNY")
#: The default per currency: CNY 500,000 and round equivalents, so that
#: "USD 1.5 million" or "£2m" in an English complaint is large too.
DEFAULT_AMOUNT_THRESHOLDS = (
    DEFAULT_AMOUNT_THRESHOLD,
    Money("70000", "USD"),
    Money("65000", "EUR"),
    Money("55000", "GBP"),
    Money("550000", "HKD"),
)

_KIND_ORDER = (Kind.COMPLAINT, Kind.INQUIRY, Kind.SUGGESTION, Kind.PRAISE)
_BASE_PRIORITY = {
    Kind.COMPLAINT: Priority.P3,
    Kind.INQUIRY: Priority.P3,
    Kind.SUGGESTION: Priority.P4,
    Kind.PRAISE: Priority.P4,
}
_SOURCE = "keyword"


def _thresholds(value: Money | Iterable[Money]) -> dict[str, Money]:
    items = [value] if isinstance(value, Money) else list(value)
    if not all(isinstance(item, Money) for item in items):
        raise ValidationError(
            "amount_threshold must be a Money or Money values, e.g. Money('500000', 'CNY')",
            field="amount_threshold",
        )
    return {item.currency: item for item in items}


class KeywordClassifier:
    """Classifies a draft's description with the zh-CN + en lexicon.

    ``lexicon`` defaults to :meth:`Lexicon.builtin`; extend it with
    :meth:`Lexicon.extend`.  ``amount_threshold`` is one Money or several
    (one per currency; amounts in other currencies are not compared); the
    default is :data:`DEFAULT_AMOUNT_THRESHOLDS` (CNY 500,000 and equivalents).
    ``backend`` picks the matcher (``"auto"`` uses pyahocorasick if installed).
    ``detectors`` replaces the built-in urgent-signal detectors
    (:func:`~complaintflow.classify.concepts.default_detectors`).
    """

    name = _SOURCE

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        *,
        amount_threshold: Money | Iterable[Money] = DEFAULT_AMOUNT_THRESHOLDS,
        strong_emotion: float = 2.0,
        vip_floor: Priority = Priority.P2,
        negation_window: int = 2,
        backend: Backend = "auto",
        detectors: Iterable[Detector] | None = None,
    ) -> None:
        self.lexicon = lexicon if lexicon is not None else Lexicon.builtin()
        self.thresholds = _thresholds(amount_threshold)
        self.strong_emotion = strong_emotion
        self.vip_floor = vip_floor
        self.matcher = LexiconMatcher(self.lexicon, backend=backend, window=negation_window)
        self.detectors = DetectorSet(
            default_detectors() if detectors is None else detectors, backend=backend
        )

    def __repr__(self) -> str:
        return f"KeywordClassifier({len(self.lexicon)} terms)"

    def hits(self, text: str) -> list[Hit]:
        """The lexicon hits of ``text`` (negated ones included, flagged)."""
        return self.matcher.hits(text)[1]

    def classify(self, draft: TicketDraft) -> Classification:
        normalized, hits = self.matcher.hits(draft.description)
        evidence = Evidence(hits)
        reasons: list[Reason] = []
        defaulted: set[Field] = set()

        context = Context(self.thresholds, draft.claimed_amount, draft.channel)
        findings = self.detectors.detect(normalized, context)
        kind = self._kind(evidence, reasons, defaulted)
        kind, why = apply_kind_rules(
            normalized,
            kind,
            evidence.complaint_ends,
            findings,
            evidence.kinds,
            defaulted="kind" in defaulted,
        )
        if why:
            reasons.extend(why)
            defaulted.difference_update(("kind", "priority"))
        category = self._category(self._focus(normalized, hits, why, evidence), reasons)
        taken = next((f for f in findings if f.concept == "money_taken"), None)
        payment = Category.BILLING_PAYMENT
        if kind is Kind.COMPLAINT and taken is not None and category is not payment:
            # money taken wrongly is a payment problem, whatever the goods were
            category = Category.BILLING_PAYMENT
            reasons.append(
                Reason(_SOURCE, "category", category.value, "concept:money_taken", taken.evidence)
            )
        if category is None:
            fallback = fallback_category(normalized, findings, kind)
            if fallback is not None:
                category = fallback[0]
                reasons.append(fallback[1])
        priority = self._priority(draft, normalized, kind, evidence, findings, reasons, defaulted)
        recognised = category is not None or bool(findings)
        needs_human, tags = self._human(
            kind,
            evidence,
            findings,
            priority,
            defaulted - ({"kind"} if recognised else set()),
            reasons,
        )
        total = sum(evidence.kinds.values())
        if "kind" in defaulted or not total:
            confidence = 0.0 if not why else 0.5
        else:
            top = evidence.kinds[kind]
            confidence = round(top / total * (0.5 + 0.5 * min(1.0, top / 4)), 2)
        return Classification(
            kind=kind,
            category=category,
            priority=priority,
            tags=tags,
            needs_human=needs_human,
            confidence=confidence,
            reasons=reasons,
            defaulted=defaulted,
        )

    @staticmethod
    def _focus(text: str, hits: list[Hit], why: list[Reason], evidence: Evidence) -> Evidence:
        """After "lovely staff, but the food took an hour" the topic is what follows the but."""
        if not any(reason.rule == "problem_after_praise" for reason in why):
            return evidence
        turn = turn_after_praise(text)
        if turn is None:
            return evidence
        after = Evidence([hit for hit in hits if hit.start >= turn.end()])
        return after if after.categories else evidence

    def _kind(self, evidence: Evidence, reasons: list[Reason], defaulted: set[Field]) -> Kind:
        scores = {kind: evidence.kinds.get(kind, 0.0) for kind in _KIND_ORDER}
        best = max(_KIND_ORDER, key=lambda kind: scores[kind])  # first of equals wins
        if scores[best] <= 0:
            defaulted.update(("kind", "priority"))
            reasons.append(Reason(_SOURCE, "kind", Kind.COMPLAINT.value, "default"))
            return Kind.COMPLAINT
        detail = ", ".join(f"{k.value}={scores[k]:g}" for k in _KIND_ORDER if scores[k])
        for term in dict.fromkeys(evidence.kind_terms[best]):
            reasons.append(Reason(_SOURCE, "kind", best.value, "lexicon", term))
        reasons.append(Reason(_SOURCE, "kind", best.value, "scores", detail))
        return best

    def _category(self, evidence: Evidence, reasons: list[Reason]) -> Category | None:
        if not evidence.categories:
            return None
        # dicts keep insertion order, so the category named first wins a tie
        best = max(evidence.categories, key=lambda category: evidence.categories[category])
        for term in dict.fromkeys(evidence.category_terms[best]):
            reasons.append(Reason(_SOURCE, "category", best.value, "lexicon", term))
        return best

    def _priority(
        self,
        draft: TicketDraft,
        text: str,
        kind: Kind,
        evidence: Evidence,
        findings: list[Finding],
        reasons: list[Reason],
        defaulted: set[Field],
    ) -> Priority:
        priority = _BASE_PRIORITY[kind]
        why = "default" if "priority" in defaulted else f"kind:{kind.value}"
        steps: list[tuple[Priority, str, str]] = []
        if kind is Kind.COMPLAINT:
            urgent = evidence.priorities
            if evidence.minor and not urgent and evidence.emotion < self.strong_emotion:
                priority = Priority.P4
                why = "minor"
                steps.append((Priority.P4, "minor", evidence.minor[0]))
            for level in (Priority.P2, Priority.P1):
                for term in dict.fromkeys(urgent.get(level, ())):
                    steps.append((level, "lexicon", term))
            if evidence.emotion >= self.strong_emotion:
                steps.append((Priority.P2, "strong_emotion", ", ".join(evidence.emotion_terms)))
            if evidence.public and draft.channel is Channel.SOCIAL:
                steps.append((Priority.P1, "social_public_risk", evidence.public[0]))
            events = [f for f in findings if f.concept not in ("mass_impact", "strong_emotion")]
            for finding in findings:
                if finding.concept == "mass_impact" and not (events or has_problem(text)):
                    continue  # "everyone loved the cake": many people, no problem
                steps.append((finding.level, f"concept:{finding.concept}", _quote(finding)))
        if kind in (Kind.COMPLAINT, Kind.INQUIRY) and _tier(draft) is CustomerTier.VIP:
            steps.append((self.vip_floor, "vip", "customer tier vip"))
        if kind is Kind.INQUIRY:
            for finding in findings:
                if finding.concept == "large_amount":
                    steps.append((Priority.P2, "large_amount", _quote(finding)))
        for level, _rule, _term in steps:
            if level > priority:
                priority = level
        chosen = [step for step in steps if step[0] == priority]
        if not chosen:
            reasons.append(Reason(_SOURCE, "priority", priority.value, why))
        for level, rule, term in chosen:
            reasons.append(Reason(_SOURCE, "priority", level.value, rule, term))
        return priority

    def _human(
        self,
        kind: Kind,
        evidence: Evidence,
        findings: list[Finding],
        priority: Priority,
        defaulted: set[Field],
        reasons: list[Reason],
    ) -> tuple[bool, list[str]]:
        tags = list(evidence.tags)
        causes: list[tuple[str, str]] = []
        if evidence.emotion and kind is Kind.COMPLAINT:
            tags.append("negative_emotion")
            causes.append(("negative_emotion", ", ".join(evidence.emotion_terms)))
        for finding in findings:
            if finding.concept == "large_amount":
                tags.append("large_amount")
                causes.append(("large_amount", _quote(finding)))
            elif kind is Kind.COMPLAINT:
                tags.append(finding.concept)
                if finding.human:
                    causes.append((f"concept:{finding.concept}", _quote(finding)))
        if priority is Priority.P1:
            causes.append(("urgent", "P1"))
        if "kind" in defaulted:
            causes.append(("unrecognised", "no lexicon term matched"))
        for rule, evidence_text in causes:
            reasons.append(Reason(_SOURCE, "needs_human", "true", rule, evidence_text))
        return bool(causes), tags


def _quote(finding: Finding) -> str:
    return f"{finding.evidence} ({finding.detail})" if finding.detail else finding.evidence


def _tier(draft: TicketDraft) -> CustomerTier | None:
    return draft.customer.tier if draft.customer is not None else None
