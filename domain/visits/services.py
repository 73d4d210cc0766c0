"""Visit use cases: log (民情日志), edit within 24 hours or amend, a member's due list, an
area's compliance. Offline clients send a ``client_uuid``: the same visit twice is one visit."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, DomainError, Forbidden, NotFound
from domain.kernel.time import local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.schemes.model import (
    DEFAULT_CADENCE_DAYS,
    DEFAULT_VISIT_LOG_FLAGS,
    EffectiveScheme,
    SchemeParams,
    effective_scheme,
    required_scheme,
)
from domain.schemes.services import params_by_level
from domain.visits.events import VisitAmended, VisitEdited, VisitLogged
from domain.visits.model import (
    CadenceInForce,
    Compliance,
    DueItem,
    Visit,
    VisitFacts,
    check_checklist,
    check_editable,
    check_flags,
    check_recorded_at,
    check_time,
    due_list,
    flags_in_force,
    month_start,
)


@dataclasses.dataclass(frozen=True)
class Logged:
    visit: Visit
    duplicate: bool  # the client's uuid was seen before: nothing new was written


@dataclasses.dataclass(frozen=True)
class VisitLogging:
    """One visit to log, as its caller sent it: visits of many callers are written together."""

    scope: Scope
    visit: Visit
    client_uuid: str | None = None
    request_id: str | None = None  # the request that sent it, on its audit entry


def _params(uow: UnitOfWork, path: str) -> SchemeParams:
    return required_scheme(uow.schemes.bindings_on_path(path)).params


def log_visits(
    uow: UnitOfWork, items: Sequence[VisitLogging], *, at: datetime
) -> list[Logged | DomainError]:
    """Visits logged online, by one caller or by many, each answered exactly as if it had been
    logged alone, written together in one transaction (the API gathers the visits that arrive
    while a batch is being written into the next: group commit, api.visits.group_commit).

    Only the household's contact member, or a caller who may write members (the branch
    secretary), logs a visit; the visit is credited to the member named on it."""
    with uow:
        outcomes = _write_new(uow, items, _online_checks, at=at)
        uow.commit()
        return outcomes


def record_visit(
    uow: UnitOfWork,
    scope: Scope,
    visit: Visit,
    *,
    client_uuid: str | None,
    at: datetime,
    offline: bool = False,
) -> Visit:
    """The checks and the write of a visit, inside the caller's unit of work (an attendance):
    a visit made offline is judged by the roster of its day (``_offline_checks``)."""
    checks = _offline_checks if offline else _online_checks
    (outcome,) = _write_new(uow, [VisitLogging(scope, visit, client_uuid)], checks, at=at)
    if isinstance(outcome, DomainError):
        raise outcome
    if outcome.duplicate:
        raise Conflict("sync.uuid_reused", "该 UUID 已用于另一条记录", field="uuid")
    return outcome.visit


def _online_checks(item: VisitLogging, facts: VisitFacts) -> tuple[Visit, str]:
    """Who may log this visit today; (the visit, its household's path)."""
    scope, visit = item.scope, item.visit
    scope.require(Permission.VISIT_WRITE)
    own_only(scope, visit.member_id, "只能记录本人的走访", "member_id")
    path = _reachable(scope, visit, facts, by_roster=True)
    if facts.contact_id != visit.member_id and not scope.can(Permission.MEMBER_WRITE):
        raise Forbidden(
            "visit.not_contact_member", "只有该户的联系党员可以记录走访", field="household_id"
        )
    return visit, path


def _write_new(
    uow: UnitOfWork,
    items: Sequence[VisitLogging],
    ready: Callable[[VisitLogging, VisitFacts], tuple[Visit, str]],
    *,
    at: datetime,
) -> list[Logged | DomainError]:
    """What logging online and syncing share, inside the caller's unit of work: a uuid seen
    before (stored, or earlier among these) is a duplicate; each new visit is checked on its
    own — time sanity first, then ``ready(item, facts)`` gives the visit to write and its
    household's path or raises the refusal, then the scheme's checklist — and the good ones are
    written in one insert with their audit entries (500 visits are a handful of statements).

    A uuid another request wrote after it was looked for here (a client resending while its
    first send is still being written) is not written again: the insert skips it, and it is
    answered as the duplicate it is."""
    uuids = [i.client_uuid for i in items if i.client_uuid is not None]
    stored = uow.visits.by_client_uuids(uuids) if uuids else {}
    outcomes: list[Logged | DomainError | None] = [None] * len(items)
    first_of: dict[str, int] = {}
    new: list[int] = []
    for index, item in enumerate(items):
        uuid = item.client_uuid
        if uuid is not None:
            if uuid in stored:
                outcomes[index] = Logged(stored[uuid], duplicate=True)
                continue
            if uuid in first_of:
                continue  # settled once the first of its uuid is written
            first_of[uuid] = index
        # The time first: the facts are read for the visit's China date, and near the years 1
        # and 9999 there is none. Refusing it does not depend on the household, so nothing
        # is told about a household beyond the caller's reach.
        try:
            check_time(item.visit.visited_at, now=at)
        except DomainError as err:
            outcomes[index] = err
            continue
        new.append(index)
    wanted = [items[i].visit for i in new]
    facts = uow.visits.facts(
        [(v.household_id, v.member_id, local_date(v.visited_at)) for v in wanted]
    )
    ready_ones: list[tuple[int, VisitLogging, Visit, str]] = []  # (index, item, visit, path)
    for index, found in zip(new, facts, strict=True):
        item = items[index]
        try:
            visit, path = ready(item, found)
        except DomainError as err:
            outcomes[index] = err
            continue
        ready_ones.append((index, item, visit, path))
    # The schemes are read only for visits with ticks or 必记 to check against them, in one go.
    chains = uow.schemes.bindings_on_paths(
        {p for _, _, v, p in ready_ones if v.checklist or v.flags}
    )
    fresh: list[tuple[int, VisitLogging, Visit, str]] = []
    for index, item, visit, path in ready_ones:
        try:
            if visit.flags:
                check_flags(visit.flags, flag_labels(effective_scheme(chains[path])))
            if visit.checklist:
                check_checklist(visit.checklist, required_scheme(chains[path]).params.checklist)
        except DomainError as err:
            outcomes[index] = err
            continue
        fresh.append((index, item, visit, path))
    added = uow.visits.add_many(
        [(v, item.client_uuid, item.scope.actor) for _, item, v, _ in fresh], at=at
    )
    written = [(f, v) for f, v in zip(fresh, added, strict=True) if v is not None]
    uow.emit(
        *(
            VisitLogged(
                actor=item.scope.actor,
                entity_id=visit.id,
                version=1,
                org_path=path,
                at=at,
                after=visit,
                household_id=visit.household_id,
                request_id=item.request_id,
            )
            for (_, item, _, path), visit in written
        )
    )
    for (index, _, _, _), visit in written:
        outcomes[index] = Logged(visit, duplicate=False)
    skipped = [f for f, v in zip(fresh, added, strict=True) if v is None]
    _taken_meanwhile(uow, skipped, outcomes)
    for index, item in enumerate(items):
        if outcomes[index] is None and item.client_uuid is not None:  # a later twin of a uuid
            first = outcomes[first_of[item.client_uuid]]
            outcomes[index] = (
                Logged(first.visit, duplicate=True) if isinstance(first, Logged) else first
            )
    return [o for o in outcomes if o is not None]


def _taken_meanwhile(
    uow: UnitOfWork,
    skipped: Sequence[tuple[int, VisitLogging, Visit, str]],
    outcomes: list[Logged | DomainError | None],
) -> None:
    """The visits the insert skipped, their uuid written by another request since it was
    looked for: each the duplicate of the visit stored under its uuid."""
    if not skipped:
        return
    now_stored = uow.visits.by_client_uuids([item.client_uuid or "" for _, item, _, _ in skipped])
    for index, item, _, _ in skipped:
        found = now_stored.get(item.client_uuid or "")
        outcomes[index] = (
            Logged(found, duplicate=True)
            if found is not None
            # Not to be seen although it blocked the insert: gone again (its household was
            # deleted meanwhile). Sending it again settles it either way.
            else Conflict(
                "visit.uuid_in_progress", "该记录正在同步，请稍后重试", field="client_uuid"
            )
        )


def _reachable(scope: Scope, visit: Visit, facts: VisitFacts, *, by_roster: bool) -> str:
    """The household's path, when both it and the member are within the caller's reach. An
    offline visit's household is reached through the caller's subtree alone (``by_roster``
    False): it may have left the member's roster since the visit."""
    path = facts.household_path
    if path is None or not (
        scope.sees_household(path, facts.contact_id) if by_roster else scope.covers(path)
    ):
        raise NotFound(
            "household.not_found", f"农户 {visit.household_id} 不存在", field="household_id"
        )
    if facts.member_path is None or not scope.sees_member(facts.member_path, visit.member_id):
        raise NotFound("member.not_found", f"党员 {visit.member_id} 不存在", field="member_id")
    return path


def own_only(scope: Scope, member_id: int, message: str, field: str) -> None:
    """An ordinary member writes only their own visits."""
    if scope.own_households_only and member_id != scope.member_id:
        raise Forbidden("visit.not_yours", message, field=field)


def edit_visit(
    uow: UnitOfWork,
    scope: Scope,
    visit_id: int,
    changes: dict[str, Any],
    *,
    at: datetime,
) -> Visit:
    """An edit within the 24-hour window. The visit is read again locked (``get_locked``)
    before it is written back whole, so a checklist tick made at the same moment (sync) is
    kept, not overwritten by the list this edit read before it."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        seen = uow.visits.get(visit_id, scope)
        own_only(scope, seen.member_id, "只能修改本人的走访", "visit_id")
        check_editable(seen, now=at)
        path = _checked_changes(uow, scope, seen, changes)
        before = uow.visits.get_locked(visit_id, scope)
        check_editable(before, now=at)
        after = dataclasses.replace(before, **changes)
        check_time(after.visited_at, now=at)
        uow.visits.update(after, at=at)
        uow.emit(
            VisitEdited(
                actor=scope.actor,
                entity_id=visit_id,
                household_id=after.household_id,
                org_path=path,
                at=at,
                before=before,
                after=after,
            )
        )
        uow.commit()
        return after


def amend_visit(
    uow: UnitOfWork,
    scope: Scope,
    visit_id: int,
    changes: dict[str, Any],
    *,
    at: datetime,
) -> Visit:
    """A correction after the edit window: a new record pointing at the original, which
    stays as it was. The amendment supersedes it in what is derived from visits (checklist,
    last visit); a visit amended before is amended in its newest version, so the corrections
    form one line and the newest counts."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        uow.visits.get(visit_id, scope)  # in the caller's scope, else 404
        original = uow.visits.get(uow.visits.latest_version(visit_id), scope)
        own_only(scope, original.member_id, "只能更正本人的走访", "visit_id")
        path = _checked_changes(uow, scope, original, changes)
        amended = dataclasses.replace(original, id=0, amends_id=original.id, **changes)
        check_time(amended.visited_at, now=at)
        stored = uow.visits.add(amended, created_by=scope.actor, at=at, client_uuid=None)
        uow.emit(
            VisitAmended(
                actor=scope.actor,
                entity_id=stored.id,
                household_id=stored.household_id,
                org_path=path,
                at=at,
                before=original,
                after=stored,
            )
        )
        uow.commit()
        return stored


def _checked_changes(uow: UnitOfWork, scope: Scope, visit: Visit, changes: dict[str, Any]) -> str:
    """A changed checklist holds only the scheme's items, as a logged visit's does. Returns the
    household's org path (the audit entry's)."""
    path = uow.visits.household_path(visit.household_id) or scope.org_path
    if changes.get("flags"):
        found = effective_scheme(uow.schemes.bindings_on_path(path))
        check_flags(changes["flags"], flag_labels(found))
    if "checklist" in changes:
        check_checklist(changes["checklist"], _params(uow, path).checklist)
    return path


def flag_labels(found: EffectiveScheme | None) -> tuple[str, ...]:
    """The 必记 in force: the scheme's visit_log_flags, or the four of the 民情日志
    (seeds/jiaxing-yilian-sanhui.txt) where no scheme is chosen yet."""
    return found.params.visit_log_flags if found is not None else DEFAULT_VISIT_LOG_FLAGS


def visit_flags_for(uow: UnitOfWork, scope: Scope, household_id: int) -> list[tuple[str, str]]:
    """(code, label) of the 必记 a visit to this household records: the visit form's."""
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        uow.households.get(household_id, scope)  # in the caller's reach, else 404
        path = uow.visits.household_path(household_id) or scope.org_path
        return flags_in_force(flag_labels(effective_scheme(uow.schemes.bindings_on_path(path))))


def due_for_member(
    uow: UnitOfWork, scope: Scope, member_id: int, *, at: datetime
) -> tuple[int, list[DueItem]]:
    """(the member's level's cadence in days, the member's households by urgency). Each
    household is due by the cadence, and counts as vulnerable by the categories, in force for
    its own level, as compliance judges it: a grid or village below the member's level may
    set its own."""
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        member = uow.members.get(member_id, scope)
        org = uow.orgs.get(member.org_id, scope)
        own = _params(uow, org.path)
        rows = uow.visits.households_of(member.id)
        chains = uow.schemes.bindings_on_paths({path for _, _, path in rows})
        found = {path: effective_scheme(chain) for path, chain in chains.items()}
        params = {path: s.params if s is not None else own for path, s in found.items()}
        households = [
            (h, bool(c & frozenset(params[path].vulnerable_categories))) for h, c, path in rows
        ]
        cadences = {h: _cadence_days(params[path]) for h, _, path in rows}
        last = uow.visits.last_visits(h for h, _ in households)
        return _cadence_days(own), due_list(
            households, last, cadence_days=_cadence_days(own), cadences=cadences, now=at
        )


def compliance(
    uow: UnitOfWork, scope: Scope, org_id: int, *, at: datetime
) -> tuple[int, Compliance]:
    """(the area's own cadence in days, its counts). Each household is judged against the
    cadence in force for its own org unit: a village that visits weekly under a county's
    fortnight is judged weekly at the county too, as it is on its own."""
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        org = uow.orgs.get(org_id, scope)
        cadences = _cadences_in(uow, org.path, at=at)
        counts = uow.visits.area_counts(org.path, cadences=cadences, since_month=month_start(at))
        return cadences[0].days, counts


def _cadences_in(uow: UnitOfWork, path: str, *, at: datetime) -> list[CadenceInForce]:
    """The area's own cadence first, then that of each level below with a binding of its own
    (its overrides or its scheme may change the cadence, or not)."""
    # the area needs a scheme (scheme.not_selected)
    levels = params_by_level(uow.schemes, path, _params(uow, path))
    days = {p: _cadence_days(params) for p, params in levels.items()}
    return [CadenceInForce(p, d, at - timedelta(days=d)) for p, d in days.items()]


def _cadence_days(params: SchemeParams) -> int:
    return params.visit_cadence_days or DEFAULT_CADENCE_DAYS  # a scheme without one (四联)


def sync_visits(
    uow: UnitOfWork, scope: Scope, items: Sequence[tuple[str, Visit]], *, at: datetime
) -> list[Logged | DomainError]:
    """Visits made offline and synced later, each answered on its own, written together.

    The roster may have changed meanwhile: a visit to a household the member looked after on
    the day of the visit is kept and credited to them, with a note when someone else looks
    after it now. A uuid seen before — stored, or earlier in the same batch — is a duplicate.
    Anything else follows ``log_visits``."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        outcomes = _write_new(
            uow, [VisitLogging(scope, v, uuid) for uuid, v in items], _offline_checks, at=at
        )
        uow.commit()
        return outcomes


def _offline_checks(item: VisitLogging, facts: VisitFacts) -> tuple[Visit, str]:
    """Who may sync this offline visit, and the note it carries; (visit, household path)."""
    scope, visit = item.scope, item.visit
    own_only(scope, visit.member_id, "只能记录本人的走访", "member_id")
    path = _reachable(scope, visit, facts, by_roster=False)
    now_contact = facts.contact_id
    if (
        not facts.was_contact
        and now_contact != visit.member_id
        and not scope.can(Permission.MEMBER_WRITE)
    ):
        raise Forbidden(
            "visit.not_contact_member", "走访当日该党员不是该户的联系党员", field="household_id"
        )
    if now_contact != visit.member_id:
        visit = dataclasses.replace(visit, sync_note=_reassigned_note(facts))
    return visit, path


def _reassigned_note(facts: VisitFacts) -> str:
    """The note on an offline visit whose household the roster gave to another meanwhile (or
    to nobody: moved out, moved to another village), naming who looks after it now."""
    if facts.contact_id is None:
        return "离线走访同步时该户已无联系党员"
    return f"离线走访同步时该户已改由党员 {facts.contact_name or facts.contact_id} 联系"


def find_visit(
    uow: UnitOfWork, scope: Scope, *, visit_id: int | None, visit_uuid: str | None
) -> Visit:
    """A visit by its id, or by the offline client's uuid (an offline client knows only that
    until the visit has synced: both may travel in the same batch)."""
    with uow:
        if visit_id is not None:
            return uow.visits.get(visit_id, scope)
        seen = uow.visits.by_client_uuid(visit_uuid or "")
        if seen is None:
            raise NotFound(
                "visit.not_found", f"走访 {visit_uuid} 尚未同步或不存在", field="visit_uuid"
            )
        return uow.visits.get(seen.id, scope)


def tick_checklist(
    uow: UnitOfWork,
    scope: Scope,
    visit_id: int,
    items: tuple[str, ...],
    *,
    at: datetime,
    recorded_at: datetime | None = None,
) -> tuple[Visit, bool]:
    """Add checklist ticks to a visit (within its edit window); ticks already there are kept
    once, so a replay changes nothing. Returns the visit and whether anything was added.

    The ticks are stored as the visit's whole list, read, extended and written back: the list
    is read again locked (``get_locked``) once the items are found good, so ticks sent at once
    are added one after the other — none lost, and the same item twice applied once."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        seen = uow.visits.get(visit_id, scope)
        own_only(scope, seen.member_id, "只能勾选本人走访的清单", "visit_id")
        path = uow.visits.household_path(seen.household_id) or scope.org_path
        check_checklist(items, _params(uow, path).checklist)
        before = uow.visits.get_locked(visit_id, scope)
        if recorded_at is not None:
            check_recorded_at(recorded_at, before, now=at)
        added = tuple(i for i in dict.fromkeys(items) if i not in before.checklist)
        if not added:
            return before, False
        # A tick made offline within the window counts, however late the phone found a signal.
        check_editable(before, now=recorded_at or at)
        after = dataclasses.replace(before, checklist=before.checklist + added)
        uow.visits.update(after, at=at)
        uow.emit(
            VisitEdited(
                actor=scope.actor,
                entity_id=visit_id,
                household_id=after.household_id,
                org_path=path,
                at=at,
                before=before,
                after=after,
            )
        )
        uow.commit()
        return after, True
