"""What happens to an issue: one event per transition of its timeline.

Each event is a ``Change`` of the record kind ``issue`` at the issue's place in the tree (where
the matter lives: every handler is on its line, above or at it, so whoever may see the handler's
work sees it), with the timeline entry it records (``entry``) and the issue before and after as
a snapshot without its timeline (which the entries are; a sweep over 20,000 issues writes each
entry once, not the whole history again).

Personal data: an issue names its household by id only, as a visit does (``household_id``, by
which an ordinary member's narrower view is cut); it holds no phone, address, location or
household category, so the audit trail's masking (domain/registers/masking.py) has nothing
to hide in it. The matter's own words (title, text, answer) are carried as a visit's notes are.

Every event of one action shares its before and after: a 不满意 rating is two entries (rated,
reopened), each its own event, both before and after that one call. An issue's version is the
length of its timeline (``IssueStore``), so each event names the version its entry made
(``entry.seq + 1``): an integrator's mirror orders them without reading the issue again.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar, Final

from domain.audit.model import AuditAction
from domain.issues.model import (
    SYSTEM_ACTIONS,
    Difficulty,
    ExtensionRequest,
    Issue,
    IssueAction,
    IssueStatus,
    LedgerEntry,
    OrgRef,
    Rating,
    Source,
    StepClock,
    Supervision,
    TimelineEntry,
)
from domain.kernel.events import Change, Event, JsonValue, plain


@dataclass(frozen=True)
class IssueSnapshot:
    """An issue as an event carries it: all but its timeline (``entries``: how long it is)."""

    id: int
    source: Source
    title: str
    text: str
    raiser: str
    household_id: int | None
    origin: OrgRef
    handler: OrgRef
    status: IssueStatus
    category: str | None
    difficulty: Difficulty | None
    clock: StepClock | None
    extension: ExtensionRequest | None
    supervision: Supervision
    overdue_count: int
    ledger: LedgerEntry | None
    answer: str | None
    result: str | None
    rating: Rating | None
    dissatisfied_count: int
    reopen_count: int
    entries: int

    @classmethod
    def of(cls, issue: Issue) -> IssueSnapshot:
        snapshot = object.__new__(cls)  # built as the issue's copies are (the sweep makes many)
        snapshot.__dict__.update({name: issue.__dict__[name] for name in _SHARED})
        snapshot.__dict__.update(origin=issue.origin, entries=len(issue.timeline))
        return snapshot


_SHARED: Final = tuple(f.name for f in fields(IssueSnapshot) if f.name not in {"origin", "entries"})


@dataclass(frozen=True, kw_only=True)
class IssueChange(Change):
    """A transition of an issue; ``entry``: the timeline entry it added."""

    entity: ClassVar[str] = "issue"
    action: ClassVar[str] = AuditAction.UPDATE
    entry: TimelineEntry | None = None

    def payload(self) -> dict[str, JsonValue]:
        """``Event.payload``, with each snapshot made JSON once however many events carry it:
        the events of one action share their before and after (the sweep's overdue and its
        yellow card; a 不满意 rating and its reopening), and a sweep writes thousands."""
        made: dict[str, JsonValue] | None = self.__dict__.get("_payload")
        if made is None:
            made = {name: _plain_once(getattr(self, name)) for name in _CHANGE_FIELDS}
            object.__setattr__(self, "_payload", made)
        return made


_CHANGE_FIELDS: Final = tuple(
    f.name for f in fields(IssueChange) if f.name not in {g.name for g in fields(Event)}
)


def _plain_once(value: object) -> JsonValue:
    if not isinstance(value, IssueSnapshot | _Fields):
        return plain(value)
    made: JsonValue = value.__dict__.get("_plain")
    if made is None:
        made = plain(value)
        object.__setattr__(value, "_plain", made)  # a cache, not a field: still frozen
    return made


# The audit trail knows the actions of AuditAction only: raising is a creation, every other
# transition an update, told apart by the event's type (IssueEscalated …) and its entry.


@dataclass(frozen=True, kw_only=True)
class IssueRaised(IssueChange):
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class IssueClassified(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueSolvedOnSpot(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueAssigned(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueAccepted(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueEscalated(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueSentBack(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class ExtensionRequested(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class ExtensionApproved(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class ExtensionRefused(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueUrged(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueResolved(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class FeedbackConfirmed(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueRated(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueClosed(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssuePutOnLedger(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueReopened(IssueChange):
    pass


@dataclass(frozen=True, kw_only=True)
class IssueWarned(IssueChange):
    """预警: the sweep found a set share of the step's time used."""


@dataclass(frozen=True, kw_only=True)
class IssueOverdue(IssueChange):
    """The step's deadline passed (the supervisor is told by a handler of this event)."""


@dataclass(frozen=True, kw_only=True)
class SupervisionRaised(IssueChange):
    """黄牌 or 红牌 督办."""


@dataclass(frozen=True, kw_only=True)
class LedgerReviewDue(IssueChange):
    """A ledger entry's review date has come: it goes back on the agenda."""


EVENT_OF: Final[dict[IssueAction, type[IssueChange]]] = {
    IssueAction.RAISE: IssueRaised,
    IssueAction.CLASSIFY: IssueClassified,
    IssueAction.SOLVE_ON_SPOT: IssueSolvedOnSpot,
    IssueAction.ASSIGN: IssueAssigned,
    IssueAction.ACCEPT: IssueAccepted,
    IssueAction.ESCALATE: IssueEscalated,
    IssueAction.SEND_BACK: IssueSentBack,
    IssueAction.REQUEST_EXTENSION: ExtensionRequested,
    IssueAction.APPROVE_EXTENSION: ExtensionApproved,
    IssueAction.REFUSE_EXTENSION: ExtensionRefused,
    IssueAction.URGE: IssueUrged,
    IssueAction.RESOLVE: IssueResolved,
    IssueAction.CONFIRM_TOLD: FeedbackConfirmed,
    IssueAction.RATE: IssueRated,
    IssueAction.CLOSE: IssueClosed,
    IssueAction.PUT_ON_LEDGER: IssuePutOnLedger,
    IssueAction.REOPEN: IssueReopened,
    IssueAction.WARN: IssueWarned,
    IssueAction.MARK_OVERDUE: IssueOverdue,
    IssueAction.RAISE_SUPERVISION: SupervisionRaised,
    IssueAction.FLAG_REVIEW: LedgerReviewDue,
}


def changes(
    before: Issue | None, after: Issue, *, request_id: str | None = None
) -> list[IssueChange]:
    """The events of what happened between ``before`` (None: just raised) and ``after``: one
    per timeline entry added. The issue must have its id (emit after the store's ``add``)."""
    seen = len(before.timeline) if before is not None else 0
    added = after.timeline[seen:]
    old: object = IssueSnapshot.of(before) if before is not None else None
    new: object = IssueSnapshot.of(after)
    if before is not None and all(e.action in SYSTEM_ACTIONS for e in added):
        old, new = _changed(old, new)
    return [
        EVENT_OF[entry.action](
            org_path=after.origin.path,
            actor=entry.actor,
            at=entry.at,
            entity_id=after.id,
            version=entry.seq + 1,
            household_id=after.household_id,
            request_id=request_id,
            before=old,
            after=new,
            entry=entry,
        )
        for entry in added
    ]


class _Fields(dict[str, object]):
    """Some fields of an issue (a sweep's change), made JSON once however many events carry
    them (a dict subclass can hold the cache a dict cannot)."""


def _changed(old: object, new: object) -> tuple[_Fields, _Fields]:
    """The deadline sweep's marks (预警, 超期, 升级督办, 台账复查) change a few fields of an
    issue nobody touched: their events carry those fields only, as they were and as they are
    (with the entry, that is the whole change). A sweep marks tens of thousands of issues;
    the whole issue twice in every outbox row and audit entry was most of its time."""
    names = [n for n in _SNAPSHOT_FIELDS if getattr(old, n) != getattr(new, n)]
    return _Fields((n, getattr(old, n)) for n in names), _Fields(
        (n, getattr(new, n)) for n in names
    )


_SNAPSHOT_FIELDS: Final = tuple(f.name for f in fields(IssueSnapshot))


# ── the work calendar and photos ──────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class CalendarDayChanged(Change):
    """An admin set what a day of the work calendar is (工作日历); ``before``: the edit it
    replaced (None: the day was as published)."""

    entity: ClassVar[str] = "work_calendar_day"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class IssuePhotoAdded(Change):
    entity: ClassVar[str] = "issue_photo"
    action: ClassVar[str] = AuditAction.CREATE
