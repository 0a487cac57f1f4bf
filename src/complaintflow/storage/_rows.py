"""The kit's row codecs: JSON text, outbox columns, and decoding with quarantine.

Split from :mod:`complaintflow.storage.kit` (which re-exports every name
here) to keep each module short; import them from the kit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.errors import ComplaintflowError, CorruptRecord, ValidationError
from complaintflow.storage.encoding import (
    event_from_dict,
    instant_from_dict,
    ticket_from_dict,
)
from complaintflow.storage.protocol import OutboxItem

_log = logging.getLogger("complaintflow.storage")
_T = TypeVar("_T")


def _short(value: object, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


# -- JSON ---------------------------------------------------------------------


def payload_json(payload: Mapping[str, Any]) -> str:
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise ValidationError(
            f"outbox payload is not JSON-safe: {error}", field="payload"
        ) from None


def dumps(data: Mapping[str, Any]) -> str:
    """Compact JSON text of a ticket or event dict, non-ASCII kept as is."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# -- decoding rows: a row that does not decode is quarantined, not contagious ------


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes | bytearray) else value


def _decoded(tenant: str, table: str, key: str, decode: Callable[[], _T]) -> _T:
    try:
        return decode()
    except (ComplaintflowError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise CorruptRecord(
            tenant=tenant,
            table=table,
            key=key,
            reason=f"{type(error).__name__}: {_short(str(error), 120)}",
        ) from error


def decode_ticket(tenant: str, ticket_id: str, body: Any) -> Ticket:
    """A stored snapshot (JSON text or an already parsed dict); CorruptRecord if it is not one."""
    return _decoded(tenant, "tickets", ticket_id, lambda: ticket_from_dict(_json(body)))


def decode_event(tenant: str, ticket_id: str, seq: int, body: Any) -> Event:
    return _decoded(tenant, "events", f"{ticket_id}#{seq}", lambda: event_from_dict(_json(body)))


def decode_outbox(
    tenant: str, item_id: str, ticket_id: str, kind: str, payload: Any, created: Any, attempts: int
) -> OutboxItem:
    """An outbox row as the item it stores; CorruptRecord if it is not one."""
    return _decoded(
        tenant,
        "outbox",
        item_id,
        lambda: OutboxItem(
            id=item_id,
            ticket_id=ticket_id,
            kind=kind,
            payload=_json(payload),
            created_at=instant_from_dict(_json(created)),
            attempts=attempts,
        ),
    )


def quarantined(
    rows: Iterable[Any], decode: Callable[[Any], _T]
) -> tuple[list[tuple[Any, _T]], list[CorruptRecord]]:
    """Decode each row; the ones that fail are logged and returned apart, never raised.

    What ``find`` and the claims use so that one bad row never stops the
    healthy ones: the caller serves ``good`` and reports the ids of ``bad``.
    """
    good, bad = [], []
    for row in rows:
        try:
            good.append((row, decode(row)))
        except CorruptRecord as error:
            _log.warning(
                "skipped a corrupt record: %s",
                error,
                extra={"tenant": error.tenant, "table": error.table, "key": error.key},
            )
            bad.append(error)
    return good, bad


def take_decodable(
    fetch: Callable[[Any | None, int], Sequence[Any]], decode: Callable[[Any], _T], limit: int
) -> tuple[list[tuple[Any, _T]], list[CorruptRecord]]:
    """Up to ``limit`` rows that decode, reading past the ones that do not.

    ``fetch(after, n)`` returns up to ``n`` candidate rows in claim order,
    starting after row ``after`` (None: from the first).  A claim leases
    only the good rows it returns, so a corrupt row at the head of the
    queue never hides the healthy ones behind it.
    """
    good: list[tuple[Any, _T]] = []
    bad: list[CorruptRecord] = []
    after = None
    while True:
        want = limit - len(good)
        rows = fetch(after, want)
        ok, ko = quarantined(rows, decode)
        good.extend(ok)
        bad.extend(ko)
        if len(rows) < want or not ko:
            return good, bad
        after = rows[-1]
