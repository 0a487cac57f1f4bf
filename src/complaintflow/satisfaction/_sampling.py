"""Whom to ask: stratified sampling that does not depend on input order.

Seed 003: sample by service type, at least 10 % per stratum, and survey
every complaint and every key customer.  SPEC §2.6 adds P1 tickets.

A stratum (*service type*) is the ticket's kind and the top level of its
category, written ``"complaint/logistics"``; an unknown kind or category
reads ``unknown`` (``"inquiry/unknown"``).  Each non-empty stratum of ``n``
tickets gets at least ``ceil(rate * n)`` of them, so never fewer than one;
complaints, P1 tickets and VIP customers are all taken and count towards
the quota.  The rest of the quota is filled in the order of a keyed hash
of ``(seed, ticket id)``: the same seed and population give the same
sample in any input order, and another seed gives another sample.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import CustomerTier, Kind, Priority
from complaintflow.errors import ValidationError

__all__ = ["Draw", "SurveySampler", "must_survey", "service_type"]


def service_type(ticket: Ticket) -> str:
    """The stratum of ``ticket``: ``"<kind>/<category top level>"``."""
    kind = ticket.kind.value if ticket.kind is not None else "unknown"
    top = ticket.category.top if ticket.category is not None else "unknown"
    return f"{kind}/{top}"


def must_survey(ticket: Ticket) -> bool:
    """Complaints, P1 tickets and VIP customers are surveyed in full (seed 003)."""
    vip = ticket.customer is not None and ticket.customer.tier is CustomerTier.VIP
    return ticket.kind is Kind.COMPLAINT or ticket.priority is Priority.P1 or vip


def _to_rate(value: object) -> Fraction:
    # Exact arithmetic: 0.1 * 30 is 3.0000000000000004 in floats, and ceil() of
    # that would take a fourth ticket.  A float is read as the decimal it prints as.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise ValidationError(f"rate must be a number in (0, 1], got {value!r}", field="rate")
    try:
        rate = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, ArithmeticError):
        raise ValidationError(
            f"rate must be a number in (0, 1], got {value!r}", field="rate"
        ) from None
    if not 0 < rate <= 1:
        raise ValidationError(f"rate must be in (0, 1], got {value!r}", field="rate")
    return rate


def _seed(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(f"seed must be an int or a str, got {value!r}", field="seed")


@attrs.frozen
class Draw:
    """One ticket drawn for a survey round, with its stratum's figures.

    ``population`` and ``sample`` are the sizes of ``stratum`` in the round:
    what ``desk.send_survey(..., stratum=, population=, sample=)`` records,
    so the report can give 样本量 and the rates per stratum (seed 003).
    """

    ticket: Ticket
    stratum: str
    population: int
    sample: int


@attrs.frozen
class SurveySampler:
    """Choose the tickets to survey: ``SurveySampler(rate=0.10, seed=2024).select(tickets)``.

    ``rate`` is a number in (0, 1] (float, ``Decimal`` or ``Fraction``);
    ``seed`` an int or a str, e.g. the month being sampled.
    """

    rate: Fraction = attrs.field(default=Fraction(1, 10), converter=_to_rate)
    seed: int | str = attrs.field(default=0, kw_only=True, validator=_seed)

    def quota(self, n: int) -> int:
        """How many of a stratum of ``n`` tickets are surveyed at least: ``ceil(rate * n)``."""
        return math.ceil(self.rate * n)

    def select(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        """The sample, sorted by ticket id; the same set for any order of ``tickets``."""
        strata: dict[str, list[Ticket]] = {}
        for ticket in _tickets(tickets):
            strata.setdefault(service_type(ticket), []).append(ticket)
        chosen: list[Ticket] = []
        for members in strata.values():
            required = [t for t in members if must_survey(t)]
            others = sorted((t for t in members if not must_survey(t)), key=self._key)
            chosen += required + others[: max(0, self.quota(len(members)) - len(required))]
        return sorted(chosen, key=lambda t: t.id)

    def draw(self, tickets: Iterable[Ticket]) -> list[Draw]:
        """:meth:`select`, each ticket with its stratum, the stratum's size and its sample's."""
        population = _tickets(tickets)
        sizes: dict[str, int] = {}
        for ticket in population:
            sizes[service_type(ticket)] = sizes.get(service_type(ticket), 0) + 1
        chosen = self.select(population)
        drawn: dict[str, int] = {}
        for ticket in chosen:
            drawn[service_type(ticket)] = drawn.get(service_type(ticket), 0) + 1
        return [
            Draw(t, service_type(t), sizes[service_type(t)], drawn[service_type(t)]) for t in chosen
        ]

    def _key(self, ticket: Ticket) -> tuple[bytes, str]:
        digest = hashlib.blake2b(
            f"{type(self.seed).__name__}:{self.seed}".encode(),
            digest_size=16,
            person=b"cf-survey-sample",
        )
        digest.update(ticket.id.encode())
        return digest.digest(), ticket.id


def _tickets(tickets: Iterable[Ticket]) -> list[Ticket]:
    if isinstance(tickets, str | bytes) or not isinstance(tickets, Iterable):
        raise ValidationError("tickets must be an iterable of Ticket", field="tickets")
    items = list(tickets)
    seen: set[str] = set()
    for index, ticket in enumerate(items):
        if not isinstance(ticket, Ticket):
            raise ValidationError(
                f"tickets[{index}] must be a Ticket, got {type(ticket).__name__}",
                field="tickets",
            )
        if ticket.id in seen:
            raise ValidationError(
                f"ticket {ticket.id} appears twice; sample each ticket once", field="tickets"
            )
        seen.add(ticket.id)
    return items
