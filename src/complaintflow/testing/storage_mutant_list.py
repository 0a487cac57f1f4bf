# ruff: noqa: E501  (the edits quote the reference source line for line)
"""The bugs :mod:`complaintflow.testing.storage_mutants` writes into InMemoryStore.

Each entry: name -> (what a real adapter would have done, edits to the
reference source as ``(old, new)`` text pairs).  They are the bugs seen in
adapters written by hand: lost events, wall-clock instants, lost zones,
race windows between a check and its write, off-by-one boundaries, tenant
leaks, outbox order, stale due times, partial batches and wrong errors.
"""

from __future__ import annotations

__all__ = ["MUTANTS"]

Edit = tuple[str, str]

_SAVE_CHECK = "            check_batch(ticket, events, current.last_seq + 1)\n"
_ALL_TENANTS = "[t for t in self._memory.tenants.values()]"
_FIND_QUERY = "            due_before=due_before,\n            limit=limit,\n            cursor=cursor,\n        )\n"


def _after_query(line: str) -> list[Edit]:
    return [(_FIND_QUERY, _FIND_QUERY + "        " + line + "\n")]


MUTANTS: dict[str, tuple[str, list[Edit]]] = {
    # -- lost events, event order ---------------------------------------------
    "save_keeps_last_event": (
        "a batch of events is written as its last event only",
        [
            (
                "self._data.events[ticket.id].extend(events)",
                "self._data.events[ticket.id].append(events[-1])",
            )
        ],
    ),
    "add_keeps_first_event": (
        "add writes only the first event of the batch",
        [("data.events[ticket.id] = list(events)", "data.events[ticket.id] = list(events[:1])")],
    ),
    "save_many_keeps_last_event": (
        "save_many writes each item's last event only",
        [
            (
                "data.events[item.ticket.id].extend(item.events)",
                "data.events[item.ticket.id].append(item.events[-1])",
            )
        ],
    ),
    "events_by_time_then_type": (
        "events() ordered by (time, type), not sequence",
        [
            (
                "return [event for event in self._data.events[ticket_id] if event.seq > after]",
                "return sorted([event for event in self._data.events[ticket_id] if event.seq > after],"
                " key=lambda e: (micros(e.at), e.type))",
            )
        ],
    ),
    # -- instants and zones -------------------------------------------------------
    "wall_clock_due": (
        "due times and due queries keyed by local wall-clock time",
        [
            (
                'due = None if due_at is None else micros(due_at, "due_at")',
                'due = None if due_at is None else _wall(due_at, "due_at")',
            ),
            (
                'None if item.due_at is None else micros(item.due_at, "due_at")',
                'None if item.due_at is None else _wall(item.due_at, "due_at")',
            ),
            ('start = micros(now, "now")', 'start = _wall(now, "now")'),
            *_after_query("query.due_before = None if due_before is None else _wall(due_before)"),
        ],
    ),
    "wall_clock_received": (
        "find orders by local wall-clock received_at",
        [("else micros(ticket.received_at)", "else _wall(ticket.received_at)")],
    ),
    "wall_clock_outbox": (
        "the outbox is ordered by local wall-clock created_at",
        [
            (
                "key=lambda item: (micros(item.created_at), item.id)",
                "key=lambda item: (_wall(item.created_at), item.id)",
            )
        ],
    ),
    "ticket_zone_dropped": (
        "snapshots come back in UTC (the zone name is lost)",
        [
            ("data.tickets[ticket.id] = ticket", "data.tickets[ticket.id] = _zoneless(ticket)"),
            (
                "data.tickets[item.ticket.id] = item.ticket",
                "data.tickets[item.ticket.id] = _zoneless(item.ticket)",
            ),
        ],
    ),
    "event_zone_dropped": (
        "events come back in UTC (the zone name is lost)",
        [
            (
                "data.events[ticket.id] = list(events)",
                "data.events[ticket.id] = _zoneless_events(events)",
            ),
            (
                "self._data.events[ticket.id].extend(events)",
                "self._data.events[ticket.id].extend(_zoneless_events(events))",
            ),
            (
                "data.events[item.ticket.id].extend(item.events)",
                "data.events[item.ticket.id].extend(_zoneless_events(item.events))",
            ),
        ],
    ),
    "outbox_zone_dropped": (
        "outbox items come back with created_at in UTC",
        [
            (
                "self._data.outbox[item.id] = (item, 0)",
                "self._data.outbox[item.id] = (attrs.evolve(item, created_at="
                "item.created_at.in_timezone('UTC')), 0)",
            )
        ],
    ),
    # -- race windows: a check, then the write in another step -----------------
    "race_save": (
        "save checks the version, then writes in a second step",
        [(_SAVE_CHECK, _SAVE_CHECK + "        _pause()\n        with self._lock:\n")],
    ),
    "race_save_many": (
        "save_many checks versions, then writes in a second step",
        [
            (
                "            for item, outbox, due in ready:\n",
                "        _pause()\n        with self._lock:\n            for item, outbox, due in ready:\n",
            )
        ],
    ),
    "race_reschedule": (
        "reschedule compares versions, then moves due times later",
        [
            (
                "            for item, due in batch:\n                if item.ticket_id not in stale:",
                "        _pause()\n        with self._lock:\n            for item, due in batch:\n"
                "                if item.ticket_id not in stale:",
            )
        ],
    ),
    "race_claim_due": (
        "claim_due selects due tickets, then leases them later",
        [
            (
                "            )[:limit]\n            for _, ticket_id in ready:",
                "            )[:limit]\n        _pause()\n        with self._lock:\n"
                "            for _, ticket_id in ready:",
            )
        ],
    ),
    "race_claim_outbox": (
        "claim_outbox selects items, then leases them later",
        [
            (
                "            )[:limit]\n            claimed = []",
                "            )[:limit]\n        _pause()\n        with self._lock:\n            claimed = []",
            )
        ],
    ),
    "race_next_number": (
        "next_number reads the counter, then writes it back",
        [
            (
                "            self._data.numbers[prefix, day] += 1\n",
                "            last = self._data.numbers[prefix, day]\n        _pause()\n"
                "        with self._lock:\n            self._data.numbers[prefix, day] = last + 1\n",
            )
        ],
    ),
    "race_dedupe": (
        "add looks the dedupe key up, then inserts in a second step",
        [
            (
                "                    ticket_id=ticket.id, expected=0, actual=data.tickets[ticket.id].version\n"
                "                )\n",
                "                    ticket_id=ticket.id, expected=0, actual=data.tickets[ticket.id].version\n"
                "                )\n        _pause()\n        with self._lock:\n",
            )
        ],
    ),
    "race_alerts": (
        "record_alerts reads the known keys, then adds the new ones",
        [
            (
                "            fresh = frozenset(key for key in wanted if key not in self._data.alerts)\n",
                "            fresh = frozenset(key for key in wanted if key not in self._data.alerts)\n"
                "        _pause()\n        with self._lock:\n",
            )
        ],
    ),
    # -- boundaries ------------------------------------------------------------------
    "due_before_exclusive": (
        "find(due_before=) leaves out tickets due exactly then",
        _after_query("if query.due_before is not None: query.due_before -= 1"),
    ),
    "due_before_minute_late": (
        "find(due_before=) also returns tickets due a minute later",
        _after_query("if query.due_before is not None: query.due_before += 60_000_000"),
    ),
    "claim_due_exclusive": (
        "claim_due leaves out tickets due exactly now",
        [("if due <= start and", "if due < start and")],
    ),
    "claim_due_lease_inclusive": (
        "a due lease is still held at its last instant",
        [("leases.get(ticket_id, 0) <= start", "leases.get(ticket_id, 0) < start")],
    ),
    "outbox_lease_inclusive": (
        "an outbox lease is still held at its last instant",
        [("if row[1] <= start", "if row[1] < start or row[1] == 0")],
    ),
    # -- tenants -----------------------------------------------------------------------
    "tenant_get": (
        "get falls back to another tenant's ticket",
        [
            (
                "                return self._data.tickets[ticket_id]\n            except KeyError:\n",
                "                return self._data.tickets[ticket_id]\n            except KeyError:\n"
                f"                for t in {_ALL_TENANTS}:\n"
                "                    if ticket_id in t.tickets: return t.tickets[ticket_id]\n",
            )
        ],
    ),
    "tenant_events": (
        "events() reads the id in any tenant",
        [
            (
                "            if ticket_id not in self._data.events:\n",
                f"            for t in {_ALL_TENANTS}:\n"
                "                if ticket_id in t.events and ticket_id not in self._data.events:\n"
                "                    return [e for e in t.events[ticket_id] if e.seq > after]\n"
                "            if ticket_id not in self._data.events:\n",
            )
        ],
    ),
    "tenant_find": (
        "find scans every tenant's tickets",
        [
            (
                "            for ticket in self._data.tickets.values():\n"
                "                due = self._data.due.get(ticket.id)\n",
                f"            for t in {_ALL_TENANTS}:\n              for ticket in t.tickets.values():\n"
                "                due = t.due.get(ticket.id)\n",
            )
        ],
    ),
    "tenant_find_by_dedupe_key": (
        "find_by_dedupe_key looks in every tenant",
        [
            (
                "            ticket_id = self._data.dedupe.get(key)\n",
                f"            for t in {_ALL_TENANTS}:\n"
                "                if key in t.dedupe: return t.tickets[t.dedupe[key]]\n"
                "            ticket_id = self._data.dedupe.get(key)\n",
            )
        ],
    ),
    "tenant_add_dedupe": (
        "add's dedupe check looks in every tenant",
        [
            (
                "            if ticket.dedupe_key is not None and ticket.dedupe_key in data.dedupe:\n",
                f"            for t in {_ALL_TENANTS}:\n"
                "                if ticket.dedupe_key in t.dedupe: return t.tickets[t.dedupe[ticket.dedupe_key]]\n"
                "            if ticket.dedupe_key is not None and ticket.dedupe_key in data.dedupe:\n",
            )
        ],
    ),
    "tenant_numbers": (
        "one ticket-number counter for all tenants",
        [("self._data.numbers[prefix, day]", "self._memory.tenants['*'].numbers[prefix, day]")],
    ),
    "tenant_claim_outbox": (
        "claim_outbox claims every tenant's items",
        [
            (
                "                (row[0] for row in self._data.outbox.values() if row[1] <= start),",
                f"                (row[0] for t in {_ALL_TENANTS} for row in t.outbox.values()"
                " if row[1] <= start),",
            )
        ],
    ),
    "tenant_ack": (
        "ack_outbox deletes the id in every tenant",
        [
            (
                "                self._data.outbox.pop(item_id, None)",
                f"                [t.outbox.pop(item_id, None) for t in {_ALL_TENANTS}]",
            )
        ],
    ),
    "tenant_alerts": (
        "one alert-key set for all tenants",
        [("self._data.alerts", "self._memory.tenants['*'].alerts")],
    ),
    "tenant_reschedule": (
        "reschedule moves the id in another tenant too",
        [
            (
                "                if item.ticket_id not in stale:\n"
                "                    self._set_due(item.ticket_id, due)",
                "                if item.ticket_id not in stale:\n"
                "                    self._set_due(item.ticket_id, due)\n"
                f"                    for t in {_ALL_TENANTS}:\n"
                "                        if item.ticket_id in t.due: t.due[item.ticket_id] = due",
            )
        ],
    ),
    "tenant_claim_due": (
        "claim_due leases every tenant's due tickets",
        [
            (
                "                for ticket_id, due in self._data.due.items()\n",
                f"                for t in {_ALL_TENANTS} for ticket_id, due in t.due.items()\n"
                "                if ticket_id in self._data.tickets\n",
            )
        ],
    ),
    "tenant_save": (
        "save writes the id in another tenant when it is not here",
        [
            (
                "            current = self._data.tickets.get(ticket.id)\n            if current is None:\n"
                '                raise NotFound("ticket", ticket.id)\n',
                "            current = self._data.tickets.get(ticket.id)\n"
                f"            for t in {_ALL_TENANTS}:\n"
                "                if current is None and ticket.id in t.tickets:\n"
                "                    t.tickets[ticket.id] = ticket; t.events[ticket.id].extend(events)\n"
                "                    return\n"
                "            if current is None:\n"
                '                raise NotFound("ticket", ticket.id)\n',
            )
        ],
    ),
    # -- outbox order and leases ---------------------------------------------------------
    "outbox_by_id": (
        "the outbox is claimed in id order",
        [("key=lambda item: (micros(item.created_at), item.id)", "key=lambda item: item.id")],
    ),
    "outbox_insertion_order": (
        "the outbox is claimed in insertion order",
        [("key=lambda item: (micros(item.created_at), item.id)", "key=lambda item: 0")],
    ),
    "outbox_attempts_kept": (
        "a claim does not count the attempt",
        [("attempts=item.attempts + 1", "attempts=max(item.attempts, 1)")],
    ),
    # -- stale due times and leases ------------------------------------------------------------
    "due_none_kept": (
        "a save without due_at keeps the old due time",
        [
            (
                "        if due is None:\n            self._data.due.pop(ticket_id, None)\n",
                "        if due is None:\n            pass\n",
            )
        ],
    ),
    "save_keeps_due_claim": (
        "a save or reschedule does not free the due claim",
        [("        self._data.due_leases.pop(ticket_id, None)\n", "")],
    ),
    "reschedule_ignores_version": (
        "reschedule moves a ticket saved since",
        [
            (
                "                if tickets[item.ticket_id].version != item.version\n",
                "                if tickets[item.ticket_id].version < 0\n",
            )
        ],
    ),
    "stale_save_writes_due": (
        "a stale save still writes its due time",
        [
            (
                "            if current.version != expected_version:\n",
                "            if current.version != expected_version:\n"
                "                self._set_due(ticket.id, due)\n",
            )
        ],
    ),
    # -- queries ----------------------------------------------------------------------
    "priority_ignored_with_status": (
        "priority is ignored when a status is given",
        _after_query("if query.statuses: query.priority = None"),
    ),
    "status_first_only": (
        "only one of several statuses is matched",
        _after_query("if query.statuses: query.statuses = frozenset([min(query.statuses)])"),
    ),
    "cursor_inclusive": (
        "the next page repeats the cursor's ticket",
        [("if (row[0], row[1]) > after]", "if (row[0], row[1]) >= after]")],
    ),
    "department_ignored": (
        "the department filter is ignored with an assignee",
        _after_query("if query.assignee: query.department = None"),
    ),
    # -- batches and errors -------------------------------------------------------------
    "add_overwrites": (
        "add replaces an existing ticket with the same id",
        [("            if ticket.id in data.tickets:\n", "            if False:\n")],
    ),
    "number_ignores_day": (
        "ticket numbers count per prefix, not per day",
        [
            (
                "self._data.numbers[prefix, day] += 1",
                "self._data.numbers[prefix, day] = max([v for (p, _), v in "
                "self._data.numbers.items() if p == prefix], default=0) + 1",
            )
        ],
    ),
    "reschedule_partial": (
        "reschedule applies the items before an unknown id",
        [
            (
                "            for item, _ in batch:  # check everything before writing anything\n"
                "                if item.ticket_id not in tickets:\n",
                "            for item, due in batch:\n"
                "                if item.ticket_id in tickets and tickets[item.ticket_id].version == "
                "item.version: self._set_due(item.ticket_id, due)\n"
                "                if item.ticket_id not in tickets:\n",
            )
        ],
    ),
    "save_many_partial": (
        "save_many writes the items before a bad one",
        [
            (
                "                current = data.tickets.get(item.ticket.id)\n"
                "                if current is None:\n",
                "                current = data.tickets.get(item.ticket.id)\n"
                "                for done, _, _ in ready: data.tickets[done.ticket.id] = done.ticket\n"
                "                if current is None:\n",
            )
        ],
    ),
    "concurrency_actual_wrong": (
        "a stale save reports the wrong stored version",
        [
            (
                "ticket_id=ticket.id, expected=expected_version, actual=current.version",
                "ticket_id=ticket.id, expected=expected_version, actual=None",
            )
        ],
    ),
    "stale_save_enqueues": (
        "a stale save still enqueues its outbox items",
        [
            (
                "            if current.version != expected_version:\n",
                "            if current.version != expected_version:\n                self._enqueue(items)\n",
            )
        ],
    ),
    # -- delivery failures and dead letters ------------------------------------
    "failure_ignores_the_claim": (
        "a late failure is recorded though the item was claimed again since",
        [
            (
                "if row is None or row[0].attempts != failure.attempts:",
                "if row is None:",
            )
        ],
    ),
    "retry_keeps_attempts": (
        "a retried dead letter keeps its used-up attempt count",
        [
            (
                "                        created_at=letter.created_at,\n",
                "                        created_at=letter.created_at,\n                        attempts=letter.attempts,\n",
            )
        ],
    ),
    "ack_keeps_the_failure": (
        "an acknowledged item still counts as retrying",
        [("                self._data.failures.pop(item_id, None)\n", "")],
    ),
}
