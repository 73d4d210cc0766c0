"""The issue flow's use cases (收集 → 分类 → 流转 → 督办 → 反馈 → 销号) on the unit of work.

Each opens the unit of work, reads the issue locked (``get_locked``: a second action at the same
moment waits, then meets the issue as the first left it), lets the model act, saves the state
and the new timeline entries (``save`` refuses a version that moved meanwhile) and emits one
event per entry. Who may act is the model's rule (the handler, a level above, the raiser …);
these add the permission, the scope (an issue whose matter lives outside the caller's subtree
is NotFound, as a household there is) and what the model is told: the time limits, the
categories, the household's contact member.

A household acts through its contact card (联心卡): the token is the credential, as on the
public card page (domain.must_attend.services.report_by_card): it raises a matter there at most
``CARD_ISSUES_A_DAY`` times a day, follows it and rates the answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from domain.disclosure.model import looks_like_token
from domain.disclosure.services import DisclosureUnitOfWork
from domain.issue_drafts.events import IssueDraftBecameIssue
from domain.issues.calendar import CalendarDay, DayKind
from domain.issues.events import CalendarDayChanged, IssuePhotoAdded, changes
from domain.issues.model import (
    DEFAULT_CATEGORIES,
    SWEEP,
    Actor,
    Difficulty,
    Issue,
    IssuePhoto,
    Rating,
    Source,
    Step,
    Tier,
    household_ref,
)
from domain.issues.model import raise_issue as new_issue
from domain.issues.rules import DEFAULT_DAYS, TimeLimits, Timetable
from domain.issues.rules import sweep as marks_due
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, Forbidden, Invalid, Locked, NotFound, RuleBroken
from domain.kernel.org import ancestor_ids
from domain.kernel.time import CHINA, local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.photos.model import PHOTO_TYPES, check_room, check_upload
from domain.photos.ports import PhotoCleaner, PhotoStorage
from domain.registers.household import HOUSEHOLD_STATUS_LABELS
from domain.schemes.model import ISSUE_CATEGORIES, SchemeParams, effective_scheme

# A lost or copied card must not flood the grid with matters (as its must-attend reports:
# domain.must_attend.services.CARD_REPORTS_A_DAY).
CARD_ISSUES_A_DAY: Final = 3
SWEEP_BATCH: Final = 500  # issues a sweep transaction marks: short enough not to hold people up


@dataclass(frozen=True)
class Raised:
    issue: Issue
    created: bool  # False: raised before under the same client_ref (or draft): that issue


# ── settings the scheme will carry ────────────────────────────────────────────────────────────


def _params(uow: UnitOfWork, path: str) -> SchemeParams | None:
    """The scheme in force where the matter lives (None: no level chose one)."""
    found = effective_scheme(uow.schemes.bindings_on_path(path))
    return found.params if found else None


def _categories(uow: UnitOfWork, path: str) -> Mapping[str, str]:
    """The kinds of matter (分类) the area's scheme offers (issue_categories; the default list
    where no scheme is chosen)."""
    params = _params(uow, path)
    if params is None:
        return DEFAULT_CATEGORIES
    return {code: ISSUE_CATEGORIES[code] for code in params.issue_categories}


def category_labels() -> dict[str, str]:
    """Every kind of matter with its name, for reading (an issue keeps the kind it was given
    if its scheme later drops it from the list)."""
    return dict(ISSUE_CATEGORIES)


def offered_categories(uow: UnitOfWork, scope: Scope, org_id: int | None = None) -> dict[str, str]:
    """The kinds of matter a form offers: those of the scheme in force at ``org_id`` (by
    default the caller's own org)."""
    scope.require(Permission.ISSUE_READ)
    with uow:
        path = uow.orgs.get(org_id, scope).path if org_id is not None else scope.org_path
        return dict(_categories(uow, path))


def card_categories(uow: DisclosureUnitOfWork, token: str) -> dict[str, str]:
    """The kinds of matter the household's card page offers (its place's scheme's)."""
    holder = card_holder(uow, token)
    with uow:
        return dict(_categories(uow, holder.scope.org_path))


def limits_of(params: SchemeParams | None) -> TimeLimits:
    """The time limits of a scheme: the flow's own days (ours: DEFAULT_DAYS) with the scheme's
    ``step/tier`` and ``step/tier/category`` figures over them, and its warning share."""
    if params is None:
        return TimeLimits()
    days = dict(DEFAULT_DAYS)
    by_category: dict[tuple[Step, Tier, str], int] = {}
    for key, number in params.issue_time_limits.items():
        step, tier, *category = key.split("/")
        if category:
            by_category[(Step(step), Tier(tier), category[0])] = number
        else:
            days[(Step(step), Tier(tier))] = number
    return TimeLimits(days=days, by_category=by_category, warn_percent=params.issue_warn_percent)


def _timetable(uow: UnitOfWork, path: str) -> Timetable:
    """The area's time limits counted on the work calendar."""
    return Timetable(uow.work_calendar.get(), limits_of(_params(uow, path)))


# ── who acts ──────────────────────────────────────────────────────────────────────────────────


def _actor(uow: UnitOfWork, scope: Scope) -> Actor:
    """The caller as the model sees them: the org they act for is their own unit at a handling
    level (a party group's member acts for its grid or village); an installation-wide account
    (path ``/``) acts for none."""
    ids = ancestor_ids(scope.org_path)
    line = uow.issues.line_of(ids[-1], scope) if ids else ()
    return Actor(scope.actor, org=line[-1] if line else None, member_id=scope.member_id)


def _save(uow: UnitOfWork, before: Issue, after: Issue) -> Issue:
    uow.issues.save(after, stored_entries=len(before.timeline))
    uow.emit(*changes(before, after))
    return after


Acting = Callable[[Issue, Actor, UnitOfWork], Issue]  # what one action does to the issue


def _act(
    uow: UnitOfWork, scope: Scope, issue_id: int, step: Acting, permission: Permission
) -> Issue:
    scope.require(permission)
    with uow:
        before = uow.issues.get_locked(issue_id, scope)
        after = _save(uow, before, step(before, _actor(uow, scope), uow))
        uow.commit()
        return after


def get_issue(uow: UnitOfWork, scope: Scope, issue_id: int) -> Issue:
    scope.require(Permission.ISSUE_READ)
    with uow:
        return uow.issues.get(issue_id, scope)


# ── 收集 ──────────────────────────────────────────────────────────────────────────────────────


def raise_issue(
    uow: UnitOfWork,
    scope: Scope,
    *,
    title: str,
    text: str,
    at: datetime,
    household_id: int | None = None,
    org_id: int | None = None,
    category: str | None = None,
    client_ref: str | None = None,
) -> Raised:
    """A member (党员直报) or a branch or higher raises an issue: a household's matter (one
    the caller may reach: an ordinary member's own households), or one of a place in their
    subtree (``org_id``, by default their own). Its first receiver is the caller's own org when
    it lies on the issue's line (首问负责), else where the matter lives. A ``client_ref`` (the
    field app's own id) sent again gives the issue it raised the first time."""
    scope.require(Permission.ISSUE_WRITE)
    with uow:
        if client_ref is not None and (seen := uow.issues.by_client_ref(scope.actor, client_ref)):
            return Raised(seen, created=False)
        by = _actor(uow, scope)
        origin = _origin(uow, scope, by, household_id=household_id, org_id=org_id)
        line = uow.issues.line_of(origin, scope)
        issue = new_issue(
            source=Source.MEMBER_DIRECT if scope.member_id is not None else Source.BRANCH,
            title=title,
            text=text,
            line=line,
            by=by,
            at=at,
            timetable=_timetable(uow, line[-1].path),
            household_id=household_id,
            category=category,
            categories=_categories(uow, line[-1].path),
            client_ref=client_ref,
        )
        stored = uow.issues.add(issue)
        if stored is None:  # the same client_ref raised by another request meanwhile
            assert client_ref is not None
            return Raised(
                _stored_meanwhile(uow.issues.by_client_ref(scope.actor, client_ref)), False
            )
        return _raised(uow, stored)


def _origin(
    uow: UnitOfWork, scope: Scope, by: Actor, *, household_id: int | None, org_id: int | None
) -> int:
    """Where the matter lives: the household's grid, the org named, or the caller's own."""
    if household_id is not None:
        household = uow.households.get(household_id, scope)
        _active(household.active, household.head_name, HOUSEHOLD_STATUS_LABELS[household.status])
        return household.org_id
    if org_id is not None:
        return uow.orgs.get(org_id, scope).id
    if by.org is None:
        raise Invalid("issue.org_required", "请选择问题所在的组织", field="org_id")
    return by.org.id


def _active(active: bool, head_name: str, status_label: str) -> None:
    if not active:  # moved out or archived: nobody is there to answer
        raise RuleBroken(
            "household.not_active",
            f"农户 {head_name}{status_label}，不再收集其问题",
            field="household_id",
        )


def _raised(uow: UnitOfWork, stored: Issue) -> Raised:
    uow.emit(*changes(None, stored))
    uow.commit()
    return Raised(stored, created=True)


def _stored_meanwhile(found: Issue | None) -> Issue:
    if found is None:  # cannot be: the insert was skipped for it
        raise Conflict("issue.stale", "该问题刚被提交，请刷新后查看", field="client_ref")
    return found


def raise_from_draft(
    uow: UnitOfWork, scope: Scope, draft_id: int, *, at: datetime, category: str | None = None
) -> Raised:
    """A visit's issue draft (a flagged 四个必记 item, 收集 on the visit) becomes an issue of
    its household, received where the caller acts. A draft becomes one issue: asked again, it
    is that issue. An ordinary member turns only their own visits' drafts."""
    scope.require(Permission.ISSUE_WRITE)
    with uow:
        draft = uow.issue_drafts.get(draft_id, scope)
        if scope.own_households_only and draft.member_id != scope.member_id:
            raise Forbidden(
                "issue_draft.not_yours", "只能将本人走访中记录的问题转为问题办理", field="draft_id"
            )
        if (seen := uow.issues.by_draft(draft.id)) is not None:
            return Raised(seen, created=False)
        path = uow.visits.household_path(draft.household_id)
        if path is None:
            raise NotFound("issue_draft.not_found", f"问题草稿 {draft_id} 不存在", field="draft_id")
        line = uow.issues.line_of(ancestor_ids(path)[-1], scope)
        issue = new_issue(
            source=Source.MEMBER_VISIT,
            title=draft.title,
            text=draft.text,
            line=line,
            by=_actor(uow, scope),
            at=at,
            timetable=_timetable(uow, line[-1].path),
            household_id=draft.household_id,
            category=category,
            categories=_categories(uow, line[-1].path),
        )
        stored = uow.issues.add(issue, draft_id=draft.id)
        if stored is None:  # raised from the draft by another request meanwhile
            return Raised(_stored_meanwhile(uow.issues.by_draft(draft.id)), created=False)
        raised = draft.raised()  # followed in the flow from now on, no longer 待分类
        uow.issue_drafts.save_status(raised, at=at)
        uow.emit(
            IssueDraftBecameIssue(
                actor=scope.actor,
                entity_id=draft.id,
                household_id=draft.household_id,
                org_path=path,
                at=at,
                before=draft,
                after=raised,
            )
        )
        return _raised(uow, stored)


# ── the household, through its contact card ───────────────────────────────────────────────────


@dataclass(frozen=True)
class CardHolder:
    """Whoever holds a live card's QR code: that one household, at its place, nothing else."""

    household_id: int
    scope: Scope  # the household's place, no permission: used only to reach its own issues

    @property
    def actor(self) -> Actor:
        return Actor(household_ref(self.household_id))


def card_holder(uow: DisclosureUnitOfWork, token: str) -> CardHolder:
    """The household behind a card token. Unknown, malformed and revoked tokens are the same
    NotFound (a token is a capability, as on the public card)."""
    facts = path = None
    if looks_like_token(token):
        with uow:
            facts = uow.cards.facts_by_token(token)
            path = uow.visits.household_path(facts.household_id) if facts else None
    if facts is None or path is None:
        raise NotFound("card.not_found", "联心卡不存在或已失效")
    ref = household_ref(facts.household_id)
    return CardHolder(facts.household_id, Scope(org_path=path, permissions=frozenset(), actor=ref))


def raise_by_card(
    uow: DisclosureUnitOfWork,
    token: str,
    *,
    title: str,
    text: str,
    category: str | None,
    at: datetime,
) -> Issue:
    """The household raises a matter itself, from its card page (no account): it must say what
    kind of matter it is (nothing is chosen for it); its grid receives it. At most
    ``CARD_ISSUES_A_DAY`` a day (China time): the limit is counted under a lock per household,
    so parallel requests are counted in turn and exactly the limit is stored."""
    holder = card_holder(uow, token)
    with uow:
        uow.issues.lock_card_raises(holder.household_id)
        today = local_date(at)
        start = datetime.combine(today, time(), CHINA)
        midnight = start + timedelta(days=1)
        sent = uow.issues.count_raised_by(holder.actor.ref, since=start, until=midnight)
        if sent >= CARD_ISSUES_A_DAY:
            raise Locked(
                "issue.card_daily_limit",
                f"今天已通过联心卡反映 {sent} 个问题，请明天再来或直接联系党员",
                retry_after_seconds=max(1, int((midnight - at).total_seconds())),
            )
        household = uow.households.get(holder.household_id, holder.scope)
        _active(household.active, household.head_name, HOUSEHOLD_STATUS_LABELS[household.status])
        line = uow.issues.line_of(household.org_id, holder.scope)
        issue = new_issue(
            source=Source.HOUSEHOLD_CARD,
            title=title,
            text=text,
            line=line,
            by=holder.actor,
            at=at,
            timetable=_timetable(uow, line[-1].path),
            household_id=holder.household_id,
            category=category,
            categories=_categories(uow, line[-1].path),
        )
        stored = uow.issues.add(issue)
        assert stored is not None  # no client_ref, no draft: nothing to skip it for
        return _raised(uow, stored).issue


CARD_ISSUES_SHOWN: Final = 20  # the card page lists the household's latest matters


def card_issues(uow: DisclosureUnitOfWork, token: str) -> list[Issue]:
    """The household's matters, newest first: those it raised on its card and those its member
    raised for it (the answer comes back to the household, which rates it)."""
    holder = card_holder(uow, token)
    with uow:
        return list(uow.issues.of_household(holder.household_id, limit=CARD_ISSUES_SHOWN))


def card_issue(uow: DisclosureUnitOfWork, token: str, issue_id: int) -> Issue:
    """One of the household's own issues, as its card page follows it."""
    holder = card_holder(uow, token)
    with uow:
        return _own_issue(uow.issues.get(issue_id, holder.scope), holder)


def rate_by_card(
    uow: DisclosureUnitOfWork,
    token: str,
    issue_id: int,
    *,
    rating: Rating,
    at: datetime,
    reason: str = "",
) -> Issue:
    """The household rates the answer to its matter (满意 / 基本满意 / 不满意, with a reason)."""
    holder = card_holder(uow, token)
    with uow:
        before = _own_issue(uow.issues.get_locked(issue_id, holder.scope), holder)
        after = before.rate(
            rating=rating,
            by=holder.actor,
            at=at,
            timetable=_timetable(uow, before.origin.path),
            reason=reason,
        )
        _save(uow, before, after)
        uow.commit()
        return after


def _own_issue(issue: Issue, holder: CardHolder) -> Issue:
    if issue.household_id != holder.household_id:
        raise NotFound("issue.not_found", f"问题 {issue.id} 不存在", field="issue_id")
    return issue


# ── 分类, 流转 ─────────────────────────────────────────────────────────────────────────────────


def classify(
    uow: UnitOfWork,
    scope: Scope,
    issue_id: int,
    *,
    category: str,
    difficulty: Difficulty,
    at: datetime,
    note: str = "",
) -> Issue:
    def step(issue: Issue, by: Actor, uow: UnitOfWork) -> Issue:
        return issue.classify(
            category=category,
            difficulty=difficulty,
            categories=_categories(uow, issue.origin.path),
            by=by,
            at=at,
            note=note,
        )

    return _act(uow, scope, issue_id, step, Permission.ISSUE_WRITE)


def solve_on_spot(
    uow: UnitOfWork, scope: Scope, issue_id: int, *, answer: str, at: datetime
) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, _: issue.solve_on_spot(answer=answer, by=by, at=at),
        Permission.ISSUE_WRITE,
    )


def assign(uow: UnitOfWork, scope: Scope, issue_id: int, *, at: datetime, note: str = "") -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, uow: issue.assign(
            by=by, at=at, timetable=_timetable(uow, issue.origin.path), note=note
        ),
        Permission.ISSUE_WRITE,
    )


def accept(uow: UnitOfWork, scope: Scope, issue_id: int, *, at: datetime, note: str = "") -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, uow: issue.accept(
            by=by, at=at, timetable=_timetable(uow, issue.origin.path), note=note
        ),
        Permission.ISSUE_WRITE,
    )


def escalate(uow: UnitOfWork, scope: Scope, issue_id: int, *, reason: str, at: datetime) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, uow: issue.escalate(
            reason=reason, by=by, at=at, timetable=_timetable(uow, issue.origin.path)
        ),
        Permission.ISSUE_WRITE,
    )


def send_back(uow: UnitOfWork, scope: Scope, issue_id: int, *, reason: str, at: datetime) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, uow: issue.send_back(
            reason=reason, by=by, at=at, timetable=_timetable(uow, issue.origin.path)
        ),
        Permission.ISSUE_WRITE,
    )


# ── 督办 ──────────────────────────────────────────────────────────────────────────────────────


def request_extension(
    uow: UnitOfWork, scope: Scope, issue_id: int, *, until: date, reason: str, at: datetime
) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, _: issue.request_extension(until=until, reason=reason, by=by, at=at),
        Permission.ISSUE_WRITE,
    )


def approve_extension(
    uow: UnitOfWork, scope: Scope, issue_id: int, *, at: datetime, note: str = ""
) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, _: issue.approve_extension(by=by, at=at, note=note),
        Permission.ISSUE_SUPERVISE,
    )


def refuse_extension(
    uow: UnitOfWork, scope: Scope, issue_id: int, *, reason: str, at: datetime
) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, _: issue.refuse_extension(reason=reason, by=by, at=at),
        Permission.ISSUE_SUPERVISE,
    )


def urge(uow: UnitOfWork, scope: Scope, issue_id: int, *, at: datetime, note: str = "") -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, _: issue.urge(by=by, at=at, note=note),
        Permission.ISSUE_SUPERVISE,
    )


# ── 反馈, 销号, the ledger ─────────────────────────────────────────────────────────────────────


def resolve(uow: UnitOfWork, scope: Scope, issue_id: int, *, answer: str, at: datetime) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, uow: issue.resolve(
            answer=answer, by=by, at=at, timetable=_timetable(uow, issue.origin.path)
        ),
        Permission.ISSUE_WRITE,
    )


def confirm_told(
    uow: UnitOfWork, scope: Scope, issue_id: int, *, at: datetime, note: str = ""
) -> Issue:
    """The answer reached the raiser: for a household, confirmed by its contact member today
    (the roster's); anyone else confirms for themselves."""

    def step(issue: Issue, by: Actor, uow: UnitOfWork) -> Issue:
        contact = uow.visits.contact_of(issue.household_id) if issue.household_id else None
        return issue.confirm_told(contact_member_id=contact, by=by, at=at, note=note)

    return _act(uow, scope, issue_id, step, Permission.ISSUE_WRITE)


def rate(
    uow: UnitOfWork,
    scope: Scope,
    issue_id: int,
    *,
    rating: Rating,
    at: datetime,
    reason: str = "",
) -> Issue:
    """The raiser rates the answer to their own matter (a household rates through its card:
    ``rate_by_card``)."""
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, uow: issue.rate(
            rating=rating, by=by, at=at, timetable=_timetable(uow, issue.origin.path), reason=reason
        ),
        Permission.ISSUE_WRITE,
    )


def close(uow: UnitOfWork, scope: Scope, issue_id: int, *, result: str, at: datetime) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, _: issue.close(result=result, by=by, at=at),
        Permission.ISSUE_WRITE,
    )


def put_on_ledger(
    uow: UnitOfWork,
    scope: Scope,
    issue_id: int,
    *,
    plan: str,
    owner: str,
    review_on: date,
    at: datetime,
) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, _: issue.put_on_ledger(
            plan=plan, owner=owner, review_on=review_on, by=by, at=at
        ),
        Permission.ISSUE_WRITE,
    )


def reopen(uow: UnitOfWork, scope: Scope, issue_id: int, *, reason: str, at: datetime) -> Issue:
    return _act(
        uow,
        scope,
        issue_id,
        lambda issue, by, uow: issue.reopen(
            reason=reason, by=by, at=at, timetable=_timetable(uow, issue.origin.path)
        ),
        Permission.ISSUE_WRITE,
    )


# ── the deadline sweep ────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class SweepReport:
    issues: int  # issues marked
    events: int  # marks made (预警, 超期, 升级督办, 台账到期复查)


SWEEPER: Final = Scope(org_path="/", permissions=frozenset(), actor=SWEEP.ref)


def _limits_by_area(uow: UnitOfWork) -> Callable[[Issue], TimeLimits]:
    """Each issue's limits: its place's scheme's, read once per place (inside the unit of
    work's transaction)."""
    areas: dict[str, TimeLimits] = {}

    def limits(issue: Issue) -> TimeLimits:
        path = issue.origin.path
        if path not in areas:
            areas[path] = limits_of(_params(uow, path))
        return areas[path]

    return limits


def sweep(uow: UnitOfWork, at: datetime, *, batch: int = SWEEP_BATCH) -> SweepReport:
    """The marks due at ``at`` on every open issue (``domain.issues.rules.sweep``), written
    batch by batch, each batch its own transaction with its events: the issues of a batch are
    read locked, so a person acting on one meanwhile waits for the batch and then meets the
    marks. Run again at the same moment, it finds nothing new."""
    issues = events = 0
    after_id = 0
    limits = _limits_by_area(uow)
    while True:
        with uow:
            found = uow.issues.open_issues(SWEEPER, after_id=after_id, limit=batch)
            if not found:
                return SweepReport(issues, events)
            swept = marks_due(found, at, uow.work_calendar.get(), limits)
            uow.issues.save_many([(s.after, len(s.before.timeline)) for s in swept])
            uow.emit(*(e for s in swept for e in s.events))
            uow.commit()
        issues += len(swept)
        events += sum(len(s.events) for s in swept)
        after_id = found[-1].id


# ── the work calendar ─────────────────────────────────────────────────────────────────────────


def set_calendar_day(
    uow: UnitOfWork, scope: Scope, *, day: date, kind: DayKind, note: str, at: datetime
) -> CalendarDay:
    """An admin says what a day is (放假 / 调休上班 / 按平常), over the published holidays: a
    county's own day off, a correction, a year not yet published. Configuration of the flow,
    as the scheme is: those who choose the scheme edit it."""
    scope.require(Permission.SCHEME_WRITE)
    if not date(2000, 1, 1) <= day < date(2100, 1, 1):
        raise Invalid("time.out_of_range", "日期须在 2000 年至 2099 年之间", field="day")
    edited = CalendarDay(day, kind, note.strip())
    with uow:
        before = uow.work_calendar.edit_of(day)
        uow.work_calendar.set_day(edited, by=scope.actor, at=at)
        uow.emit(
            CalendarDayChanged(
                actor=scope.actor,
                entity_id=day.isoformat(),
                org_path=scope.org_path,
                at=at,
                before=before,
                after=edited,
            )
        )
        uow.commit()
        return edited


# ── photos ────────────────────────────────────────────────────────────────────────────────────


def add_issue_photo(
    uow: UnitOfWork,
    storage: PhotoStorage,
    clean: PhotoCleaner,
    scope: Scope,
    issue_id: int,
    *,
    data: bytes,
    content_type: str,
    max_bytes: int,
    at: datetime,
    client_uuid: str | None = None,
) -> tuple[IssuePhoto, bool]:
    """A photo on an open issue, as on a visit (the same checks, cleaning and storage):
    (the photo, whether it was stored before under the same ``client_uuid``)."""
    scope.require(Permission.ISSUE_WRITE)
    check_upload(content_type, len(data), max_bytes=max_bytes)
    with uow:  # refuse an issue out of reach before spending time on decoding
        uow.issues.get(issue_id, scope)
        seen = uow.issues.photo_by_client_uuid(client_uuid) if client_uuid else None
    if seen is not None:
        if seen.issue_id != issue_id:
            raise Conflict("photo.uuid_reused", "该 UUID 已用于另一张照片", field="client_uuid")
        return seen, True
    photo = clean(data, content_type)
    key = f"issues/{issue_id}/{uuid.uuid4().hex}.{PHOTO_TYPES[content_type]}"
    with uow:
        issue = uow.issues.get(issue_id, scope)
        if not issue.is_open:
            raise RuleBroken("issue.closed", "问题已销号，不能再添加照片", field="issue_id")
        check_room(uow.issues.photo_count(issue_id), per="每个问题", field="issue_id")
        storage.put(key, photo.data)
        try:
            stored = uow.issues.add_photo(
                IssuePhoto(
                    id=0,
                    issue_id=issue_id,
                    content_type=photo.content_type,
                    size_bytes=len(photo.data),
                    width=photo.width,
                    height=photo.height,
                    sha256=photo.sha256,
                    storage_key=key,
                    created_by=scope.actor,
                    created_at=at,
                    client_uuid=client_uuid,
                )
            )
            uow.emit(
                IssuePhotoAdded(
                    actor=scope.actor,
                    entity_id=stored.id,
                    household_id=issue.household_id,
                    org_path=issue.origin.path,
                    at=at,
                    after=stored,
                )
            )
            uow.commit()
        except BaseException:
            storage.delete(key)
            raise
        return stored, False


def issue_photo_bytes(
    uow: UnitOfWork, storage: PhotoStorage, scope: Scope, issue_id: int, photo_id: int
) -> tuple[IssuePhoto, bytes]:
    """One photo of an issue the caller may read, with its bytes."""
    photo = next((p for p in issue_photos(uow, scope, issue_id) if p.id == photo_id), None)
    if photo is None:
        raise NotFound("photo.not_found", f"照片 {photo_id} 不存在", field="photo_id")
    return photo, storage.get(photo.storage_key)


def issue_photos(uow: UnitOfWork, scope: Scope, issue_id: int) -> list[IssuePhoto]:
    scope.require(Permission.ISSUE_READ)
    with uow:
        uow.issues.get(issue_id, scope)
        return uow.issues.photos_of(issue_id)
