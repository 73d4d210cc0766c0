"""五必到 use cases: report an event, the member's tasks, attendance as a visit, the branch's
view with late and missed attendance."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from domain.access import Permission, Scope
from domain.audit import AuditAction
from domain.errors import Conflict, Invalid
from domain.must_attend import MustAttendEvent
from domain.ports import UnitOfWork
from domain.scheme import required_scheme
from domain.services.audit_trail import record
from domain.services.visits import record_visit
from domain.visit import Visit


def report_event(
    uow: UnitOfWork, scope: Scope, household_id: int, *, kind: str, note: str, at: datetime
) -> MustAttendEvent:
    """Anyone who may log visits to the household reports an event of the scheme's kinds; the
    household's contact member gets a task with the scheme's deadline."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        household = uow.households.get(household_id, scope)
        org = uow.orgs.get(household.org_id, scope)
        params = required_scheme(
            uow.schemes.bindings_on_path(org.path), field="household_id"
        ).params
        if kind not in params.must_attend_events:
            allowed = "、".join(params.must_attend_events) or "（本模式没有必到事项）"
            raise Invalid("event.unknown_kind", f"本模式的必到事项为：{allowed}", field="kind")
        event = uow.events.add(
            MustAttendEvent(
                id=0,
                household_id=household.id,
                member_id=uow.visits.contact_of(household.id),
                kind=kind,
                note=note,
                reported_by=scope.actor,
                reported_at=at,
                deadline=at + timedelta(hours=params.must_attend_deadline_hours),
            )
        )
        record(
            uow.audit,
            scope,
            action=AuditAction.CREATE,
            entity="must_attend_event",
            entity_id=event.id,
            org_path=org.path,
            at=at,
            after=event,
        )
        uow.commit()
        return event


def attend_event(
    uow: UnitOfWork,
    scope: Scope,
    event_id: int,
    visit: Visit,
    *,
    client_uuid: str | None,
    at: datetime,
) -> MustAttendEvent:
    """The attendance is a visit to the event's household (the same rules as any visit),
    linked to the event; after the deadline it counts as late."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        event = uow.events.get(event_id, scope)
        if event.visit_id is not None:
            raise Conflict("event.already_attended", "该事件已记录到场", field="event_id")
        if visit.household_id != event.household_id:
            raise Invalid("event.wrong_household", "到场走访须是该事件的农户", field="household_id")
        stored = record_visit(uow, scope, visit, client_uuid=client_uuid, at=at)
        uow.events.attend(event.id, visit_id=stored.id, at=stored.visited_at)
        uow.commit()
        return dataclasses.replace(event, visit_id=stored.id, attended_at=stored.visited_at)


def attend_offline(
    uow: UnitOfWork,
    scope: Scope,
    event_id: int,
    visit: Visit,
    *,
    client_uuid: str,
    at: datetime,
) -> tuple[MustAttendEvent, bool]:
    """Attendance recorded offline: a replay (the same uuid) is a duplicate, never a second
    visit. Returns the event and whether it was a duplicate."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        seen = uow.visits.by_client_uuid(client_uuid)
        if seen is not None:
            event = uow.events.get(event_id, scope)
            if event.visit_id != seen.id:
                raise Conflict("sync.uuid_reused", "该 UUID 已用于另一条记录", field="uuid")
            return event, True
    return attend_event(uow, scope, event_id, visit, client_uuid=client_uuid, at=at), False
