"""Tickets and events to and from JSON-safe dicts, through one cattrs converter.

Storage adapters (ours and hosts') keep payloads as JSON; this module is
the single place that decides how: ``Decimal`` as a string (exact), enums
by value, instants as UTC ISO text plus the IANA zone name (so a deadline
shown to a Shanghai agent is still in Shanghai time after a round trip),
event payloads tagged by their stored ``type`` name.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any

import cattrs
import pendulum

from complaintflow.clock import exact_reading, named_zone
from complaintflow.domain.events import PAYLOAD_TYPES, Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor
from complaintflow.domain.vocabulary import Status
from complaintflow.errors import ValidationError

__all__ = [
    "event_from_dict",
    "event_to_dict",
    "instant_from_dict",
    "instant_to_dict",
    "make_converter",
    "ticket_from_dict",
    "ticket_to_dict",
]


def instant_to_dict(value: dt.datetime) -> dict[str, Any]:
    """``{"utc": "2024-05-20T02:00:00+00:00", "zone": "Asia/Shanghai"}``.

    A fixed-offset instant has no zone name and keeps ``offset`` in seconds.
    """
    moment = value if isinstance(value, pendulum.DateTime) else pendulum.instance(value)
    # The stdlib conversion: the same text as pendulum's in_timezone("UTC"), at half the cost.
    utc = dt.datetime.astimezone(moment, dt.UTC).isoformat()
    tz = moment.tzinfo
    name = getattr(tz, "name", None)
    if isinstance(tz, pendulum.FixedTimezone) or not name:
        offset = moment.utcoffset()
        assert offset is not None
        return {"utc": utc, "offset": int(offset.total_seconds())}
    return {"utc": utc, "zone": name}


def instant_from_dict(data: dict[str, Any]) -> pendulum.DateTime:
    """The instant :func:`instant_to_dict` stored, in its zone (or fixed offset) again.

    Every snapshot and event a store loads goes through here, several
    times each, so it avoids pendulum's general parser and its zone
    lookup: the stdlib reads the ISO text (pendulum parses what it
    cannot), the zone is built once per name, and the local time is
    computed by ``astimezone``, which gives the same fold at a DST change.
    """
    try:
        text = data["utc"]
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:  # not ISO text the stdlib reads: pendulum's parser accepts more
            parsed = pendulum.parse(text)
            if not isinstance(parsed, dt.datetime):
                raise ValueError(f"{text!r} is not a date and time") from None
            moment = parsed
        if moment.tzinfo is None:  # read as UTC, as pendulum.parse does
            moment = moment.replace(tzinfo=dt.UTC)
        zone = (
            named_zone(data["zone"])
            if "zone" in data
            else pendulum.FixedTimezone(int(data["offset"]))
        )
        # Inside a repeated hour the reading carries its fixed offset (clock.instant's rule),
        # so an instant stored by name before that rule still loads as the exact instant.
        return exact_reading(moment.astimezone(zone))
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(
            f"not a stored instant: {data!r} ({error})", field="instant"
        ) from None


def _unstructure_event(converter: cattrs.Converter, event: Event) -> dict[str, Any]:
    return {
        "ticket_id": event.ticket_id,
        "seq": event.seq,
        "version": event.version,
        "at": instant_to_dict(event.at),
        "actor": converter.unstructure(event.actor),
        "status": event.status.value,
        "type": event.type,
        "payload": converter.unstructure(event.payload, unstructure_as=type(event.payload)),
    }


def _structure_event(converter: cattrs.Converter, data: dict[str, Any]) -> Event:
    kind = PAYLOAD_TYPES.get(data.get("type", ""))
    if kind is None:
        raise ValidationError(f"unknown event type {data.get('type')!r}", field="type")
    try:
        return Event(
            ticket_id=str(data["ticket_id"]),
            seq=int(data["seq"]),
            version=int(data["version"]),
            at=instant_from_dict(data["at"]),
            actor=converter.structure(data["actor"], Actor),
            status=Status(data["status"]),
            payload=converter.structure(data["payload"], kind),
        )
    except (KeyError, ValueError) as error:
        raise ValidationError(f"not a stored event: {error!r}", field="event") from None


@cache
def make_converter() -> cattrs.Converter:
    """The converter every adapter should use; built once, safe to share."""
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, lambda value, _: Decimal(str(value)))
    converter.register_unstructure_hook(pendulum.DateTime, instant_to_dict)
    converter.register_structure_hook(pendulum.DateTime, lambda value, _: instant_from_dict(value))
    converter.register_unstructure_hook(Event, lambda ev: _unstructure_event(converter, ev))
    converter.register_structure_hook(Event, lambda data, _: _structure_event(converter, data))
    return converter


def ticket_to_dict(ticket: Ticket) -> dict[str, Any]:
    result: dict[str, Any] = make_converter().unstructure(ticket)
    return result


def ticket_from_dict(data: dict[str, Any]) -> Ticket:
    try:
        return make_converter().structure(data, Ticket)
    except (cattrs.BaseValidationError, KeyError, TypeError, ValueError) as error:
        raise ValidationError(f"not a stored ticket: {error!r}", field="ticket") from None


def event_to_dict(event: Event) -> dict[str, Any]:
    result: dict[str, Any] = make_converter().unstructure(event)
    return result


def event_from_dict(data: dict[str, Any]) -> Event:
    try:
        return make_converter().structure(data, Event)
    except (cattrs.BaseValidationError, KeyError, TypeError) as error:
        raise ValidationError(f"not a stored event: {error!r}", field="event") from None
