"""The lifecycle drawn from its own definition, as Mermaid text.

Generated from :data:`complaintflow.domain.lifecycle.TRANSITIONS`, so the picture
in the docs cannot drift from the machine that runs.
"""

from __future__ import annotations

from complaintflow.domain.lifecycle import TRANSITIONS
from complaintflow.domain.vocabulary import Status

__all__ = ["mermaid"]


def mermaid() -> str:
    """A ``stateDiagram-v2``; actions that keep the state are listed as notes."""
    lines = ["stateDiagram-v2", f"    [*] --> {Status.RECEIVED.value}"]
    edges: dict[tuple[str, str], list[str]] = {}
    actions: dict[str, list[str]] = {}
    for row in TRANSITIONS:
        label = row.trigger + (f" [{row.when}]" if row.when else "")
        for source in row.sources:
            if row.dest is None:
                actions.setdefault(source.value, [])
                if row.trigger not in actions[source.value]:
                    actions[source.value].append(row.trigger)
            else:
                labels = edges.setdefault((source.value, row.dest.value), [])
                if label not in labels:
                    labels.append(label)
    for (start, dest), names in edges.items():
        lines.append(f"    {start} --> {dest}: {' / '.join(names)}")
    ends = (Status.CLOSED, Status.MERGED, Status.WITHDRAWN)
    lines += [f"    {end.value} --> [*]" for end in ends]
    for state, names in actions.items():
        lines.append(f"    note right of {state}: {', '.join(sorted(names))}")
    return "\n".join(lines) + "\n"
