"""The shape of a fact: :class:`Payload` and :class:`Event`.

They sit below the command families, which declare each payload kind next
to the command that produces it; import them all from
:mod:`complaintflow.domain.events`.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import pendulum

from complaintflow.domain.values import Actor
from complaintflow.domain.vocabulary import Status

__all__ = ["Event", "Payload"]


@attrs.frozen
class Payload:
    """Base of every event payload; ``type`` is the stored name of the kind."""

    type: ClassVar[str] = "payload"


@attrs.frozen
class Event:
    """One fact in a ticket's life.

    ``seq`` numbers events per ticket from 1; ``version`` is the ticket
    version the command batch produced; ``status`` the state afterwards.
    """

    ticket_id: str
    seq: int
    version: int
    at: pendulum.DateTime
    actor: Actor
    status: Status
    payload: Payload

    @property
    def type(self) -> str:
        return self.payload.type
