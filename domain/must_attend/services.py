"""五必到 use cases: report an event, the member's tasks, attendance as a visit, the branch's
view with late and missed attendance."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta

from domain.disclosure.model import looks_like_token
from domain.disclosure.services import DisclosureUnitOfWork
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, Invalid, Locked, NotFound, RuleBroken
from domain.kernel.time import CHINA, local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.must_attend.events import MustAttendAttended, MustAttendCancelled, MustAttendReported
from domain.must_attend.model import MustAttendEvent, check_attendance_mode, check_attendance_time
from domain.registers.household import HOUSEHOLD_STATUS_LABELS
from domain.schemes.model import effective_scheme, required_scheme
from domain.visits.model import Visit
from domain.visits.services import record_visit


def report_event(
    uow: UnitOfWork, scope: Scope, household_id: int, *, kind: str, note: str, at: datetime
) -> MustAttendEvent:
    """Anyone who may log visits to the household reports an event of the scheme's kinds; the
    household's contact member gets a task with the scheme's deadline — whoever looks after
    the household until it is attended, should a roster change (``events``)."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        return _report(uow, scope, household_id, kind=kind, note=note, at=at)


def card_event_kinds(uow: DisclosureUnitOfWork, token: str) -> tuple[str, ...]:
    """The kinds of event the household behind a card may report (its scheme's 五必到)."""
    _, _, path = _card_holder(uow, token)
    with uow:
        found = effective_scheme(uow.schemes.bindings_on_path(path))
        return found.params.must_attend_events if found else ()


def report_by_card(
    uow: DisclosureUnitOfWork, token: str, *, kind: str, note: str, at: datetime
) -> MustAttendEvent:
    """The household reports an event itself, through its contact card (党群联心卡): whoever
    holds the card's QR code may report must-attend events on that one household, and do
    nothing else; the same kinds, deadline and task for the contact member as any report.
    At most ``CARD_REPORTS_A_DAY`` a day, so that a lost or copied card cannot flood the
    member with tasks."""
    scope, household_id, _ = _card_holder(uow, token)
    with uow:
        uow.events.lock_card_reports(household_id)  # parallel reports are counted in turn
        today = local_date(at)
        sent = sum(
            1
            for e in uow.events.of_household(household_id)
            if e.reported_by == scope.actor and local_date(e.reported_at) == today
        )
        if sent >= CARD_REPORTS_A_DAY:
            midnight = datetime.combine(today + timedelta(days=1), time(), CHINA)
            raise Locked(
                "event.card_daily_limit",
                f"今天已通过联心卡报告 {sent} 次，请明天再报或直接联系党员",
                retry_after_seconds=max(1, int((midnight - at).total_seconds())),
            )
        return _report(uow, scope, household_id, kind=kind, note=note, at=at)


CARD_REPORTS_A_DAY = 3


def _card_holder(uow: DisclosureUnitOfWork, token: str) -> tuple[Scope, int, str]:
    """(the reach of a card's holder, the household, its org path). The token is the
    credential, as for the public card: unknown, malformed and revoked tokens are the same
    NotFound. The holder's scope reaches the household's own place and carries no permission:
    it is only ever used to report on that household."""
    facts = path = None
    if looks_like_token(token):
        with uow:
            facts = uow.cards.facts_by_token(token)
            path = uow.visits.household_path(facts.household_id) if facts else None
    if facts is None or path is None:
        raise NotFound("card.not_found", "联心卡不存在或已失效")
    holder = Scope(org_path=path, permissions=frozenset(), actor=f"card:{facts.household_id}")
    return holder, facts.household_id, path


def _report(
    uow: UnitOfWork, scope: Scope, household_id: int, *, kind: str, note: str, at: datetime
) -> MustAttendEvent:
    """Report an event inside the caller's unit of work, whoever the reporter."""
    household = uow.households.get(household_id, scope)
    if not household.active:  # moved out or archived: nobody is to attend it
        raise RuleBroken(
            "household.not_active",
            f"农户 {household.head_name}{HOUSEHOLD_STATUS_LABELS[household.status]}，"
            "不再报告必到事项",
            field="household_id",
        )
    org = uow.orgs.get(household.org_id, scope)
    params = required_scheme(uow.schemes.bindings_on_path(org.path), field="household_id").params
    if kind not in params.must_attend_events:
        allowed = "、".join(params.must_attend_events) or "（本模式没有必到事项）"
        raise Invalid("event.unknown_kind", f"本模式的必到事项为：{allowed}", field="kind")
    event = uow.events.add(
        MustAttendEvent(
            id=0,
            household_id=household.id,
            # its contact member now: kept as whom it was given to; whose task it is follows
            # the household's roster until attended (persistence/must_attend.py)
            member_id=uow.visits.contact_of(household.id),
            kind=kind,
            note=note,
            reported_by=scope.actor,
            reported_at=at,
            deadline=at + timedelta(hours=params.must_attend_deadline_hours),
        )
    )
    uow.emit(
        MustAttendReported(
            actor=scope.actor,
            entity_id=event.id,
            household_id=event.household_id,
            version=1,
            org_path=org.path,
            at=at,
            after=event,
        )
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
    offline: bool = False,
) -> MustAttendEvent:
    """The attendance is a visit to the event's household (the same rules as any visit),
    linked to the event; after the deadline it counts as late, and it cannot be dated before
    the report (``check_attendance_time``). The task is the household's contact member's
    today (``events.get`` reaches only a member's own households); once attended, the event is
    the member's the visit is credited to. Offline attendance (``attend_offline``, sync kind
    ``attendance``) comes through here too, under the same rules.

    Two attendances sent at once both find the event open: the link is made only if the event
    is still unattended when it is written (``events.attend``), so the second is refused as a
    second one sent later would be, and its visit is rolled back with the unit of work."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        # Offline, the household may have been given to another member since the attendance:
        # like any offline visit it is kept if the member looked after the household on its
        # day (sync rule 3), so the event is looked for in the member's whole area and the
        # visit's own checks decide.
        reach = dataclasses.replace(scope, own_households_only=False) if offline else scope
        event = uow.events.get(event_id, reach)
        _attendable(event, visit)
        try:
            stored = record_visit(
                uow, scope, visit, client_uuid=client_uuid, at=at, offline=offline
            )
        except Conflict:
            # Its uuid was written meanwhile: by the same attendance sent twice at once, when
            # the event is attended now — then the answer a later second one gets.
            _attendable(uow.events.get(event_id, scope), visit)
            raise
        if not uow.events.attend(event.id, visit_id=stored.id, at=stored.visited_at):
            _attendable(uow.events.get(event_id, reach), visit)  # cancelled meanwhile?
            raise _already_attended()
        attended = dataclasses.replace(
            event, member_id=stored.member_id, visit_id=stored.id, attended_at=stored.visited_at
        )
        uow.emit(
            MustAttendAttended(
                actor=scope.actor,
                entity_id=event.id,
                household_id=event.household_id,
                org_path=uow.visits.household_path(event.household_id),
                at=at,
                before=event,
                after=attended,
            )
        )
        uow.commit()
        return attended


def cancel_event(
    uow: UnitOfWork, scope: Scope, event_id: int, *, reason: str, at: datetime
) -> MustAttendEvent:
    """Withdraw a wrong report (撤销): by the branch or above (those who direct the members,
    ``member:write``), with a reason, audited. The event stays on record as cancelled; it
    leaves the member's tasks and can no longer be attended. An attended event is history
    and is not cancelled; the write is conditional, so an attendance arriving at the same
    moment either lands first (the cancel is refused) or finds the event cancelled."""
    scope.require(Permission.MEMBER_WRITE)
    reason = reason.strip()
    if len(reason) < 2:
        raise Invalid("event.cancel_reason", "请写明撤销原因（至少 2 个字）", field="reason")
    with uow:
        event = uow.events.get(event_id, scope)
        _cancellable(event)
        if not uow.events.cancel(event.id, by=scope.actor, reason=reason, at=at):
            _cancellable(uow.events.get(event_id, scope))  # attended or cancelled meanwhile
            raise _already_cancelled()
        cancelled = dataclasses.replace(
            event, cancelled_at=at, cancelled_by=scope.actor, cancel_reason=reason
        )
        household = uow.households.get(event.household_id, scope)
        org = uow.orgs.get(household.org_id, scope)
        uow.emit(
            MustAttendCancelled(
                actor=scope.actor,
                entity_id=event.id,
                household_id=event.household_id,
                org_path=org.path,
                at=at,
                before=event,
                after=cancelled,
            )
        )
        uow.commit()
        return cancelled


def _cancellable(event: MustAttendEvent) -> None:
    if event.cancelled_at is not None:
        raise _already_cancelled()
    if event.visit_id is not None:
        raise Conflict("event.already_attended", "该事件已记录到场，不能撤销", field="event_id")


def _already_cancelled() -> Conflict:
    return Conflict("event.cancelled", "该事件已撤销", field="event_id")


def _already_attended() -> Conflict:
    return Conflict("event.already_attended", "该事件已记录到场", field="event_id")


def _attendable(event: MustAttendEvent, visit: Visit) -> None:
    if event.cancelled_at is not None:
        raise _already_cancelled()
    if event.visit_id is not None:
        raise _already_attended()
    if visit.household_id != event.household_id:
        raise Invalid("event.wrong_household", "到场走访须是该事件的农户", field="household_id")
    check_attendance_mode(visit.mode)
    check_attendance_time(event, visit.visited_at)


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
    visit — also when the first send is still being written as the replay arrives (a client
    retrying a slow batch). Returns the event and whether it was a duplicate."""
    scope.require(Permission.VISIT_WRITE)
    replayed = _replayed(uow, scope, event_id, client_uuid)
    if replayed is not None:
        return replayed, True
    try:
        attended = attend_event(
            uow, scope, event_id, visit, client_uuid=client_uuid, at=at, offline=True
        )
        return attended, False
    except Conflict:
        replayed = _replayed(uow, scope, event_id, client_uuid)
        if replayed is not None:
            return replayed, True
        raise


def _replayed(
    uow: UnitOfWork, scope: Scope, event_id: int, client_uuid: str
) -> MustAttendEvent | None:
    """The event, when the visit under ``client_uuid`` is its attendance already."""
    with uow:
        seen = uow.visits.by_client_uuid(client_uuid)
        if seen is None:
            return None
        # the member's own visit: found even if the household is another's since (rule 3)
        event = uow.events.get(event_id, dataclasses.replace(scope, own_households_only=False))
        if event.visit_id != seen.id:
            raise Conflict("sync.uuid_reused", "该 UUID 已用于另一条记录", field="uuid")
        return event
