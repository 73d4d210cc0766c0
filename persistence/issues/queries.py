"""Read side of the issue flow: the inbox and the ledger (问题台账) of a subtree, the statistics
per handling org, the work calendar of a year. Every read takes the caller's Scope.

The inbox is the figure to hold (a county of 100,000 issues, p99 under 50 ms on PostgreSQL):
it is one range scan of ``ix_issues_inbox`` per status asked for (status, handling org's path,
supervision, deadline; id and category carried along), which gives the page's ids and the
count from the index alone; then the page's rows by id."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from domain.issues.calendar import CalendarDay, DayKind
from domain.issues.model import IssueStatus, Rating, Supervision
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from persistence.issues.calendar import DAYS, published, published_kind
from persistence.issues.store import ISSUES, issue_scope
from persistence.issues.tables import IssueRow
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window, _area_path, _order, _text
from persistence.registers.tables import HouseholdRow
from persistence.scoping import in_subtree


@dataclass(frozen=True)
class IssueFilter:
    """What an inbox or ledger list asks for. ``now``: the time ``overdue`` is judged at (an
    open step whose deadline has passed, whether or not the sweep has marked it yet)."""

    now: datetime
    under: int | None = None  # handled in this org's subtree (default: the caller's whole)
    origin_under: int | None = None  # the matter lives in this org's subtree
    statuses: Sequence[IssueStatus] = field(default_factory=tuple)  # none given: all
    supervision: Supervision | None = None
    overdue: bool | None = None
    category: str | None = None
    household_id: int | None = None
    raised_by: str | None = None  # one sender's (the field app's "mine")
    raised_from: datetime | None = None  # raised at or after
    raised_until: datetime | None = None  # raised before


@dataclass(frozen=True)
class IssueSummary:
    """An issue as a list shows it (its timeline is read with the issue itself)."""

    id: int
    source: str
    title: str
    status: IssueStatus
    category: str | None
    difficulty: str | None
    supervision: Supervision
    due: datetime | None
    overdue: bool  # at the list's ``now``
    handler_org_id: int
    origin_org_id: int
    household_id: int | None
    raiser: str
    raised_at: datetime
    updated_at: datetime
    rating: Rating | None
    reopen_count: int
    ledger_review_on: date | None
    version: int
    text: str = ""  # what was raised (Open311's description)
    answer: str | None = None
    result: str | None = None


_SORTS: dict[str, Any] = {
    "due": ISSUES.c.due,
    "raised_at": ISSUES.c.raised_at,
    "updated_at": ISSUES.c.updated_at,
    "id": ISSUES.c.id,
}


def list_issues(
    session: Session, scope: Scope, window: Window, wanted: IssueFilter
) -> Page[IssueSummary]:
    """The inbox / ledger: issues handled in a subtree (the caller's by default), in the
    statuses asked for, soonest deadline first (none last), then by id."""
    ids = _matching(session, scope, window, wanted)
    total = int(
        session.scalar(select(func.count()).select_from(ids.order_by(None).subquery())) or 0
    )
    page_ids = list(
        session.scalars(ids.order_by(*_ordering(window)).limit(window.limit).offset(window.offset))
    )
    rows = {r.id: r for r in session.execute(select(ISSUES).where(ISSUES.c.id.in_(page_ids)))}
    items = [_summary(rows[i], wanted.now) for i in page_ids]
    return Page(items, total, window.limit, window.offset)


def issue_summary(session: Session, scope: Scope, issue_id: int, now: datetime) -> IssueSummary:
    """One issue as a list shows it; NotFound outside the caller's scope (as ``get``)."""
    row = session.execute(select(ISSUES).where(ISSUES.c.id == issue_id, issue_scope(scope))).first()
    if row is None:
        raise NotFound("issue.not_found", f"问题 {issue_id} 不存在", field="issue_id")
    return _summary(row, now)


def _ordering(window: Window) -> list[Any]:
    if not window.sort:
        return [ISSUES.c.due.asc().nulls_last(), ISSUES.c.id]
    return _order(window, _SORTS, ISSUES.c.id)


def _matching(
    session: Session, scope: Scope, window: Window, wanted: IssueFilter
) -> Select[tuple[int]]:
    handled = _area_path(session, scope, wanted.under)
    statuses = [s.value for s in (wanted.statuses or IssueStatus)]
    stmt = select(ISSUES.c.id).where(
        ISSUES.c.status.in_(statuses), in_subtree(IssueRow.handler_path, handled)
    )
    if scope.own_households_only:
        # A handler in the caller's subtree means a matter there too (the handler is on its
        # line, above it): an ordinary member's own households are the one narrower rule.
        stmt = stmt.where(issue_scope(scope))
    if wanted.origin_under is not None:
        stmt = stmt.where(
            in_subtree(IssueRow.origin_path, _area_path(session, scope, wanted.origin_under))
        )
    if wanted.supervision is not None:
        stmt = stmt.where(ISSUES.c.supervision == wanted.supervision.value)
    if wanted.overdue is not None:
        due = ISSUES.c.due
        late = _overdue(wanted.now)
        stmt = stmt.where(late if wanted.overdue else or_(due.is_(None), ~late))
    if wanted.category is not None:
        stmt = stmt.where(ISSUES.c.category == wanted.category)
    if wanted.household_id is not None:
        stmt = stmt.where(ISSUES.c.household_id == wanted.household_id)
    if wanted.raised_by is not None:
        stmt = stmt.where(ISSUES.c.raised_by == wanted.raised_by)
    if wanted.raised_from is not None:
        stmt = stmt.where(ISSUES.c.raised_at >= wanted.raised_from)
    if wanted.raised_until is not None:
        stmt = stmt.where(ISSUES.c.raised_at < wanted.raised_until)
    if (clause := _text(ISSUES.c.title, window.q)) is not None:
        stmt = stmt.where(clause)
    return stmt


def _overdue(now: datetime) -> ColumnElement[bool]:
    """An open step past its deadline (a step runs only while the issue is open: a closed or
    ledger issue has no deadline, and NULL is never less)."""
    return ISSUES.c.due < now


def _summary(r: Any, now: datetime) -> IssueSummary:
    return IssueSummary(
        id=r.id,
        source=r.source,
        title=r.title,
        status=IssueStatus(r.status),
        category=r.category,
        difficulty=r.difficulty,
        supervision=Supervision(r.supervision),
        due=r.due,
        overdue=r.due is not None and r.due <= now,
        handler_org_id=r.handler_org_id,
        origin_org_id=r.origin_org_id,
        household_id=r.household_id,
        raiser=r.raiser,
        raised_at=r.raised_at,
        updated_at=r.updated_at,
        rating=Rating(r.rating) if r.rating else None,
        reopen_count=r.reopen_count,
        ledger_review_on=r.ledger_review_on,
        version=r.version,
        text=r.text,
        answer=r.answer,
        result=r.result,
    )


# ── statistics per handling org ───────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class OrgIssueStats:
    """One handling org's figures (the scheme's 响应率、解决率、满意率 as counts): ``received``
    the issues it handles or handled last (raised in the period); ``solved`` of them closed
    (销号), ``on_time`` closed without ever running overdue; ``overdue`` ever overdue or past
    the deadline now; ``satisfaction`` (满意率) the 满意 and 基本满意 share of those rated; the
    average days from raising to closing."""

    org_id: int
    name: str
    received: int
    solved: int
    on_time: int
    overdue: int
    rated: int
    satisfied: int
    average_days_to_close: float | None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


def org_statistics(
    session: Session,
    scope: Scope,
    *,
    now: datetime,
    under: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[OrgIssueStats]:
    """The area (the caller's, or ``under`` in it) as a handler itself, then each org below it
    with its subtree: one pass over the area's issues, each counted for the child whose range
    its handler's path falls in."""
    path = _area_path(session, scope, under)
    area = session.execute(
        select(OrgUnitRow.id, OrgUnitRow.name).where(OrgUnitRow.path == path)
    ).first()
    below = OrgUnitRow.parent_id == area.id if area else OrgUnitRow.parent_id.is_(None)
    children = session.execute(
        select(OrgUnitRow.id, OrgUnitRow.name, OrgUnitRow.path).where(below).order_by(OrgUnitRow.id)
    ).all()
    units: list[tuple[int, str]] = [(area.id, area.name)] if area else []
    units += [(c.id, c.name) for c in children]
    whose = case(
        *((in_subtree(IssueRow.handler_path, child.path), child.id) for child in children),
        else_=area.id if area else None,
    ).label("org_id")
    days = _days(session, ISSUES.c.closed_at) - _days(session, ISSUES.c.raised_at)
    closed = ISSUES.c.status == IssueStatus.CLOSED.value
    stmt = (
        select(
            whose,
            func.count(),
            func.count().filter(closed),
            func.count().filter(closed, ISSUES.c.overdue_count == 0),
            func.count().filter((ISSUES.c.overdue_count > 0) | _overdue(now)),
            func.count(ISSUES.c.rating),
            func.count().filter(
                ISSUES.c.rating.in_([Rating.SATISFIED.value, Rating.BASICALLY_SATISFIED.value])
            ),
            func.avg(case((closed, days))),
        )
        .where(in_subtree(IssueRow.handler_path, path))
        .group_by(whose)
    )
    if scope.own_households_only:
        stmt = stmt.where(issue_scope(scope))
    if since is not None:
        stmt = stmt.where(ISSUES.c.raised_at >= since)
    if until is not None:
        stmt = stmt.where(ISSUES.c.raised_at < until)
    figures = {row[0]: row[1:] for row in session.execute(stmt)}
    return [_stats(org_id, name, figures.get(org_id)) for org_id, name in units]


def _days(session: Session, column: Any) -> ColumnElement[Any]:
    """An instant as a number of days (fractional), on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", column) / 86400.0
    return func.julianday(column)


def _stats(org_id: int, name: str, figures: Sequence[Any] | None) -> OrgIssueStats:
    received, solved, on_time, overdue, rated, satisfied, days = figures or (0,) * 6 + (None,)
    return OrgIssueStats(
        org_id=org_id,
        name=name,
        received=int(received),
        solved=int(solved),
        on_time=int(on_time),
        overdue=int(overdue),
        rated=int(rated),
        satisfied=int(satisfied),
        average_days_to_close=float(days) if days is not None else None,
    )


# ── the work calendar ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class CalendarEntry:
    """A day of the year that is not as its weekday says, or that an admin edited."""

    day: CalendarDay  # as it is now
    published: DayKind  # as the State Council's notice has it (the package)
    edited: bool


def calendar_day(session: Session, day: date) -> CalendarEntry:
    """One day as the calendar has it now (an ordinary day included)."""
    edit = session.execute(select(DAYS).where(DAYS.c.day == day)).first()
    kind = published_kind(day)
    if edit is None:
        return CalendarEntry(CalendarDay(day, kind), kind, False)
    return CalendarEntry(CalendarDay(day, DayKind(edit.kind), edit.note), kind, True)


def calendar_days(session: Session, year: int) -> list[CalendarEntry]:
    """The admin's screen: the year's holidays, make-up working days and edits, by date."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    edits = {
        r.day: CalendarDay(r.day, DayKind(r.kind), r.note)
        for r in session.execute(select(DAYS).where(DAYS.c.day >= first, DAYS.c.day <= last))
    }
    base = published()
    special = {d for d in base.holidays | base.workdays if first <= d <= last} | set(edits)
    return [
        CalendarEntry(
            edits.get(d) or CalendarDay(d, published_kind(d)), published_kind(d), d in edits
        )
        for d in sorted(special)
    ]


# ── names a reader looks for ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class IssueNames:
    """The org units' names and the households' heads a page of issues (or one issue's line
    and timeline) mentions, read in two queries."""

    orgs: dict[int, str]
    heads: dict[int, str]

    def org(self, org_id: int | None) -> str:
        return self.orgs.get(org_id, "") if org_id is not None else ""


def issue_names(
    session: Session, org_ids: Iterable[int | None], household_ids: Iterable[int | None]
) -> IssueNames:
    orgs = sorted({i for i in org_ids if i is not None})
    households = sorted({i for i in household_ids if i is not None})
    org_rows = (
        session.execute(select(OrgUnitRow.id, OrgUnitRow.name).where(OrgUnitRow.id.in_(orgs)))
        if orgs
        else None
    )
    head_rows = (
        session.execute(
            select(HouseholdRow.id, HouseholdRow.head_name).where(HouseholdRow.id.in_(households))
        )
        if households
        else None
    )
    return IssueNames(
        {r.id: r.name for r in org_rows or ()}, {r.id: r.head_name for r in head_rows or ()}
    )
