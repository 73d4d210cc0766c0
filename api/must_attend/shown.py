"""Must-attend events as the API shows them, for the feature's own routes and the sync pull."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from api.must_attend.schemas import EventOut
from domain.kernel.access import Scope
from domain.must_attend.model import MustAttendEvent
from persistence.accounts.names import actor_names
from persistence.must_attend.queries import event_names, open_tasks


def tasks_of(session: Session, scope: Scope, member_id: int, now: datetime) -> list[EventOut]:
    """A member's open tasks, soonest deadline first (also carried by the sync pull)."""
    return shown(session, open_tasks(session, scope, member_id), now)


def shown(session: Session, events: Sequence[MustAttendEvent], now: datetime) -> list[EventOut]:
    """Events as the API shows them: the names of households, areas, members and reporters."""
    names = event_names(session, events)
    people = actor_names(session, [e.reported_by for e in events])
    return [EventOut.from_domain(e, now, names[e.id], people) for e in events]
