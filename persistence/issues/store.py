"""Issues (问题/诉求) and their append-only timelines (``domain.issues.ports.IssueStore``).

An issue is read with Core statements (no ORM identity map: a sweep reads thousands, and a
lock or a save reads what is stored now, never a copy held by the session). Its line of
handling orgs is not stored: it is the origin's ancestors as the tree has them now (county
first), so a moved org unit moves its issues' lines with it (``follow_move`` keeps the stored
paths, by which inboxes are listed, in step)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    any_,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Row
from sqlalchemy.orm import Session

from domain.issues.model import (
    TIER_OF_LEVEL,
    Difficulty,
    ExtensionRequest,
    Issue,
    IssueAction,
    IssuePhoto,
    IssueStatus,
    LedgerEntry,
    OrgRef,
    Rating,
    Source,
    Step,
    StepClock,
    Supervision,
    Tier,
    TimelineEntry,
)
from domain.kernel.access import Scope
from domain.kernel.errors import Conflict, NotFound
from domain.kernel.org import OrgLevel, ancestor_ids
from persistence.assignment.tables import AssignmentRow
from persistence.bulk import BULK_ROWS, copy_csv, insert_rows, is_postgres
from persistence.issues.tables import IssueEntryRow, IssuePhotoRow, IssueRow
from persistence.locks import Lock, serialize
from persistence.org.tables import OrgUnitRow
from persistence.scoping import in_subtree

# The tables themselves, for Core statements (rows as tuples, no identity map).
ISSUES: Final = cast(Table, IssueRow.__table__)
ENTRIES: Final = cast(Table, IssueEntryRow.__table__)
PHOTOS: Final = cast(Table, IssuePhotoRow.__table__)
_IDS: Final = ARRAY(Integer)
_ENTRY_COLUMNS: Final = tuple(c.name for c in ENTRIES.columns)
T = TypeVar("T")


def issue_scope(scope: Scope) -> ColumnElement[bool]:
    """The issues a caller may reach: those whose matter lives in their subtree (every handler
    is on the line above it, so whoever may see the handler's work sees it); for an ordinary
    member, of those only the ones of the households they look after today, and the ones they
    raised themselves (as a visit's records: ``persistence.scoping.authored_scope``)."""
    clause = in_subtree(IssueRow.origin_path, scope.org_path)
    if not scope.own_households_only:
        return clause
    own = exists().where(
        AssignmentRow.household_id == IssueRow.household_id,
        AssignmentRow.member_id == (scope.member_id or -1),
        AssignmentRow.ended_on.is_(None),
    )
    return and_(clause, or_(IssueRow.raised_by == scope.actor, own))


def _not_found(issue_id: int) -> NotFound:
    return NotFound("issue.not_found", f"问题 {issue_id} 不存在", field="issue_id")


def _stale() -> Conflict:
    return Conflict("issue.stale", "该问题刚被他人处理过，请刷新后再操作", field="version")


class SqlIssueStore:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._lines: dict[str, tuple[OrgRef, ...]] = {}  # by origin path, for this session

    # ── reading ─────────────────────────────────────────────────────────────────────────

    def get(self, issue_id: int, scope: Scope) -> Issue:
        found = self._issues(_within(issue_id, scope))
        if not found:
            raise _not_found(issue_id)
        return found[0]

    def get_locked(self, issue_id: int, scope: Scope) -> Issue:
        """The issue as stored now, kept from other writers until this transaction ends.

        PostgreSQL locks the row (FOR UPDATE): a second caller waits, then reads what the first
        wrote. SQLite has no row locks, and its driver begins a transaction only at the first
        write: a write that changes nothing takes the database's one write lock first (waiting
        out another writer), and the read comes after it (as ``SqlVisitStore.get_locked``)."""
        self._write_lock_on_sqlite(ISSUES.c.id == issue_id)
        found = self._issues(_within(issue_id, scope).with_for_update(of=ISSUES))
        if not found:
            raise _not_found(issue_id)
        return found[0]

    def by_client_ref(self, raised_by: str, client_ref: str) -> Issue | None:
        found = self._issues(
            select(ISSUES).where(ISSUES.c.raised_by == raised_by, ISSUES.c.client_ref == client_ref)
        )
        return found[0] if found else None

    def of_household(self, household_id: int, *, limit: int) -> Sequence[Issue]:
        return self._issues(
            select(ISSUES)
            .where(ISSUES.c.household_id == household_id)
            .order_by(ISSUES.c.id.desc())
            .limit(limit)
        )

    def by_draft(self, draft_id: int) -> Issue | None:
        found = self._issues(select(ISSUES).where(ISSUES.c.draft_id == draft_id))
        return found[0] if found else None

    def open_issues(self, scope: Scope, *, after_id: int = 0, limit: int) -> Sequence[Issue]:
        """Open issues in the scope by id, locked as ``get_locked`` locks one (the sweep's
        batch: a person acting on one of them meanwhile waits for the batch, then acts on
        what it wrote)."""
        self._write_lock_on_sqlite(ISSUES.c.id == -1)
        return self._issues(
            select(ISSUES)
            .where(
                ISSUES.c.status != IssueStatus.CLOSED.value,
                ISSUES.c.id > after_id,
                in_subtree(IssueRow.origin_path, scope.org_path),
            )
            .order_by(ISSUES.c.id)
            .limit(limit)
            .with_for_update(of=ISSUES)
        )

    def line_of(self, org_id: int, scope: Scope) -> tuple[OrgRef, ...]:
        path = self.session.scalar(select(OrgUnitRow.path).where(OrgUnitRow.id == org_id))
        if path is None or not scope.covers(path):
            raise NotFound("org.not_found", f"组织 {org_id} 不存在", field="org_id")
        return self._lines_of([path])[path]

    def count_raised_by(self, raised_by: str, *, since: datetime, until: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count()).where(
                    ISSUES.c.raised_by == raised_by,
                    ISSUES.c.raised_at >= since,
                    ISSUES.c.raised_at < until,
                )
            )
            or 0
        )

    def lock_card_raises(self, household_id: int) -> None:
        serialize(self.session, Lock.CARD_ISSUES, household_id)

    # ── writing ─────────────────────────────────────────────────────────────────────────

    def add(self, issue: Issue, *, draft_id: int | None = None) -> Issue | None:
        """The issue stored with its id, or None when its sender's ``client_ref`` (or its
        draft) has an issue already: nothing written. The insert itself settles a race between
        two sends of one batch (ON CONFLICT DO NOTHING on either unique key; on PostgreSQL it
        waits for the other transaction and writes nothing if that commits)."""
        values = {
            **_state(issue),
            "source": issue.source.value,
            "title": issue.title,
            "text": issue.text,
            "raiser": issue.raiser,
            "raised_by": issue.timeline[0].actor,
            "raised_at": issue.raised_at,
            "household_id": issue.household_id,
            "origin_org_id": issue.origin.id,
            "origin_path": issue.origin.path,
            "client_ref": issue.client_ref,
            "draft_id": draft_id,
        }
        connection = self.session.connection()
        statement: Any = insert(ISSUES)
        if issue.client_ref is not None or draft_id is not None:
            dialect = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
            statement = dialect(ISSUES).on_conflict_do_nothing()
        new_id = connection.scalar(statement.values(values).returning(ISSUES.c.id))
        if new_id is None:
            return None
        stored = dataclasses.replace(issue, id=new_id)
        self._append(stored, issue.timeline)
        return stored

    def save(self, issue: Issue, *, stored_entries: int) -> None:
        if self._write([(issue, stored_entries)]) != 1:
            raise _stale()
        self._append(issue, issue.timeline[stored_entries:])

    def save_many(self, issues: Sequence[tuple[Issue, int]]) -> None:
        """``save`` for a batch (the sweep's): each issue's state written only over the version
        it was read at, and all their new entries, in a few statements however many: on
        PostgreSQL from a batch of ``BULK_ROWS`` on, through a staging table filled by COPY
        (one UPDATE … FROM, one COPY of the entries). Called on issues read locked
        (``open_issues``), so none can be stale; were one, the whole batch is refused."""
        if not issues:
            return
        if len(issues) >= BULK_ROWS and is_postgres(self.session):
            written = self._write_staged(issues)
        else:
            written = self._write(issues)
        if written >= 0 and written != len(issues):
            raise _stale()
        rows = [_entry(i.id, e) for i, stored in issues for e in i.timeline[stored:]]
        if len(rows) >= BULK_ROWS:
            insert_rows(
                self.session,
                ENTRIES.name,
                _ENTRY_COLUMNS,
                (tuple(r[c] for c in _ENTRY_COLUMNS) for r in rows),
                empty_not_null=("note",),
            )
        elif rows:
            self.session.execute(insert(ENTRIES), rows)

    def _write(self, issues: Sequence[tuple[Issue, int]]) -> int:
        """UPDATE each issue whose stored version is the one it was read at; the rows changed
        (-1: not counted by this driver for many at once)."""
        # The SET clause is the parameters' columns; the WHERE's are named apart from them.
        params = [
            {**_state(issue), "b_id": issue.id, "b_stored": stored} for issue, stored in issues
        ]
        statement = update(ISSUES).where(
            ISSUES.c.id == bindparam("b_id"), ISSUES.c.version == bindparam("b_stored")
        )
        connection = self.session.connection()
        result = cast(CursorResult[Any], connection.execute(statement, params))
        if len(params) > 1 and not connection.dialect.supports_sane_multi_rowcount:
            return -1
        return result.rowcount

    def _write_staged(self, issues: Sequence[tuple[Issue, int]]) -> int:
        """``_write`` on PostgreSQL in one UPDATE: the new states COPYed into a temporary
        table (dropped at commit), joined by id and the version read."""
        columns = [*_state(issues[0][0]), "id", "stored"]
        sets = ", ".join(f"{c} = s.{c}" for c in columns if c not in ("id", "stored"))
        self.session.execute(text("DROP TABLE IF EXISTS pg_temp.stage_issues"))
        self.session.execute(
            text(
                "CREATE TEMP TABLE stage_issues ON COMMIT DROP AS SELECT "
                f"{', '.join(c for c in columns if c != 'stored')}, version AS stored "
                "FROM issues WITH NO DATA"
            )
        )
        copy_csv(
            self.session,
            "stage_issues",
            columns,
            (tuple({**_state(i), "id": i.id, "stored": n}.values()) for i, n in issues),
        )
        result = self.session.execute(
            text(
                f"UPDATE issues t SET {sets} FROM stage_issues s "
                "WHERE t.id = s.id AND t.version = s.stored"
            )
        )
        return cast(CursorResult[Any], result).rowcount

    def _append(self, issue: Issue, entries: Iterable[TimelineEntry]) -> None:
        rows = [_entry(issue.id, e) for e in entries]
        if rows:
            self.session.execute(insert(ENTRIES), rows)

    def follow_move(self, old: str, new: str) -> None:
        """An org subtree moved from ``old`` to ``new``: the stored paths follow it, and an
        issue whose handler is no longer on its line (its village moved to another township
        while the old township handled it) goes to the org of the same level on its new line."""
        for column in (IssueRow.origin_path, IssueRow.handler_path):
            self.session.execute(
                update(ISSUES)
                .where(in_subtree(column, old))
                .values({column.key: new + func.substr(column, len(old) + 1)})
            )
        self._lines.clear()
        off_line = self.session.execute(
            select(ISSUES.c.id, ISSUES.c.origin_path, OrgUnitRow.level)
            .join(OrgUnitRow, OrgUnitRow.id == ISSUES.c.handler_org_id)
            .where(
                in_subtree(IssueRow.origin_path, new),
                func.substr(ISSUES.c.origin_path, 1, func.length(ISSUES.c.handler_path))
                != ISSUES.c.handler_path,
            )
        ).all()
        lines = self._lines_of({path for _, path, _ in off_line})
        for issue_id, path, level in off_line:
            tier = TIER_OF_LEVEL[OrgLevel(level)]
            to = next((o for o in lines[path] if o.tier is tier), lines[path][-1])
            self.session.execute(
                update(ISSUES)
                .where(ISSUES.c.id == issue_id)
                .values(handler_org_id=to.id, handler_path=to.path)
            )

    # ── photos ──────────────────────────────────────────────────────────────────────────

    def photo_count(self, issue_id: int) -> int:
        return int(
            self.session.scalar(select(func.count()).where(PHOTOS.c.issue_id == issue_id)) or 0
        )

    def photo_by_client_uuid(self, client_uuid: str) -> IssuePhoto | None:
        row = self.session.execute(
            select(PHOTOS).where(PHOTOS.c.client_uuid == client_uuid)
        ).first()
        return _photo(row) if row else None

    def add_photo(self, photo: IssuePhoto) -> IssuePhoto:
        values = {k: v for k, v in vars(photo).items() if k != "id"}
        new_id = self.session.connection().scalar(
            insert(PHOTOS).values(values).returning(PHOTOS.c.id)
        )
        return dataclasses.replace(photo, id=new_id)

    def photos_of(self, issue_id: int) -> list[IssuePhoto]:
        rows = self.session.execute(
            select(PHOTOS).where(PHOTOS.c.issue_id == issue_id).order_by(PHOTOS.c.id)
        )
        return [_photo(r) for r in rows]

    # ── the machinery ───────────────────────────────────────────────────────────────────

    def _write_lock_on_sqlite(self, which: ColumnElement[bool]) -> None:
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            connection.execute(update(ISSUES).where(which).values(id=ISSUES.c.id))

    def _issues(self, statement: Select[Any]) -> list[Issue]:
        """The issues a statement on ``issues`` selects, with their timelines and lines, in
        three queries however many."""
        result = self.session.execute(statement)
        keys = list(result.keys())
        rows = [dict(zip(keys, row, strict=True)) for row in result.all()]  # by name, cheaply
        if not rows:
            return []
        timelines: dict[int, list[TimelineEntry]] = {r["id"]: [] for r in rows}
        for issue_id, *entry in self.session.execute(
            select(ENTRIES.c.issue_id, *_ENTRY_FIELDS)
            .where(self._among(ENTRIES.c.issue_id, list(timelines)))
            .order_by(ENTRIES.c.issue_id, ENTRIES.c.seq)
        ).all():
            timelines[issue_id].append(_to_entry(entry))
        lines = self._lines_of({r["origin_path"] for r in rows})
        return [_to_issue(r, tuple(timelines[r["id"]]), lines[r["origin_path"]]) for r in rows]

    def _among(self, column: Any, ids: list[int]) -> ColumnElement[bool]:
        """``column IN ids``; on PostgreSQL as ``= ANY(array)``, one parameter however many
        (a sweep's batch names hundreds, each a parameter to render and send otherwise)."""
        if self.session.get_bind().dialect.name == "postgresql":
            return cast(ColumnElement[bool], column == any_(bindparam(None, ids, type_=_IDS)))
        return cast(ColumnElement[bool], column.in_(ids))

    def _lines_of(self, paths: Iterable[str]) -> dict[str, tuple[OrgRef, ...]]:
        """Each path's line: its ancestors at the handling levels, from the nearest county
        down (a city above the county is no handler of the county's issues); a party group at
        the end is left out (its grid or village handles its matters)."""
        wanted = [p for p in set(paths) if p not in self._lines]
        ids = {i for p in wanted for i in ancestor_ids(p)}
        if ids:
            refs = {
                r.id: OrgRef(r.id, OrgLevel(r.level), r.path)
                for r in self.session.execute(
                    select(OrgUnitRow.id, OrgUnitRow.level, OrgUnitRow.path).where(
                        self._among(OrgUnitRow.id, list(ids))
                    )
                )
            }
            for path in wanted:
                line = [
                    refs[i]
                    for i in ancestor_ids(path)
                    if i in refs and refs[i].level in TIER_OF_LEVEL
                ]
                counties = [n for n, o in enumerate(line) if o.tier is Tier.COUNTY]
                self._lines[path] = tuple(line[counties[-1] :] if counties else line)
        return {p: self._lines[p] for p in paths}


def _within(issue_id: int, scope: Scope) -> Select[Any]:
    return select(ISSUES).where(ISSUES.c.id == issue_id, issue_scope(scope))


def _state(issue: Issue) -> dict[str, Any]:
    """The columns an action may change: everything but what the issue was raised with."""
    clock, extension, ledger = issue.clock, issue.extension, issue.ledger
    return {
        "handler_org_id": issue.handler.id,
        "handler_path": issue.handler.path,
        "status": issue.status.value,
        "category": issue.category,
        "difficulty": issue.difficulty.value if issue.difficulty else None,
        "step": clock.step.value if clock else None,
        "step_started_at": clock.started_at if clock else None,
        "due": clock.due if clock else None,
        "warned": clock.warned if clock else False,
        "overdue": clock.overdue if clock else False,
        "supervision": issue.supervision.value,
        "overdue_count": issue.overdue_count,
        "extension_until": extension.until if extension else None,
        "extension_reason": extension.reason if extension else None,
        "extension_by": extension.requested_by if extension else None,
        "extension_at": extension.requested_at if extension else None,
        "ledger_plan": ledger.plan if ledger else None,
        "ledger_owner": ledger.owner if ledger else None,
        "ledger_review_on": ledger.review_on if ledger else None,
        "ledger_review_flagged": ledger.review_flagged if ledger else False,
        "answer": issue.answer,
        "result": issue.result,
        "rating": issue.rating.value if issue.rating else None,
        "dissatisfied_count": issue.dissatisfied_count,
        "reopen_count": issue.reopen_count,
        "closed_at": closed_at(issue),
        "updated_at": issue.last_at,
        "version": len(issue.timeline),
    }


def closed_at(issue: Issue) -> datetime | None:
    """When it was closed (销号, or solved on the spot) the last time; None while it is open."""
    if issue.status is not IssueStatus.CLOSED:
        return None
    return next(
        e.at
        for e in reversed(issue.timeline)
        if e.to_status is IssueStatus.CLOSED and e.from_status is not IssueStatus.CLOSED
    )


def _entry(issue_id: int, e: TimelineEntry) -> dict[str, Any]:
    return {
        "issue_id": issue_id,
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "action": e.action.value,
        "from_status": e.from_status.value if e.from_status else None,
        "to_status": e.to_status.value,
        "from_org": e.from_org,
        "to_org": e.to_org,
        "note": e.note,
        "due": e.due,
    }


def _made(cls: type[T], fields: dict[str, Any]) -> T:
    """A frozen dataclass from its fields without running its ``__init__`` (one
    ``object.__setattr__`` a field): a sweep reads tens of thousands of issues and their
    entries, none of which derives or checks anything at construction (as ``Issue._with``)."""
    made = object.__new__(cls)
    made.__dict__.update(fields)
    return made


# Codes to members by a dict (the enums' own lookup is several times slower, and a sweep
# makes hundreds of thousands).
_ACTIONS: Final = {a.value: a for a in IssueAction}
_STATUSES: Final = {s.value: s for s in IssueStatus}
_SOURCES: Final = {s.value: s for s in Source}
_DIFFICULTIES: Final = {d.value: d for d in Difficulty}
_STEPS: Final = {s.value: s for s in Step}
_SUPERVISIONS: Final = {s.value: s for s in Supervision}


_ENTRY_FIELDS: Final = tuple(ENTRIES.c[name] for name in _ENTRY_COLUMNS if name != "issue_id")


def _to_entry(entry: list[Any]) -> TimelineEntry:
    """An entry from its columns in ``_ENTRY_FIELDS`` order."""
    seq, at, actor, action, from_status, to_status, from_org, to_org, note, due = entry
    return _made(
        TimelineEntry,
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": _ACTIONS[action],
            "from_status": _STATUSES[from_status] if from_status else None,
            "to_status": _STATUSES[to_status],
            "from_org": from_org,
            "to_org": to_org,
            "note": note,
            "due": due,
        },
    )


def _to_issue(
    r: dict[str, Any], timeline: tuple[TimelineEntry, ...], line: tuple[OrgRef, ...]
) -> Issue:
    handler = next((o for o in line if o.id == r["handler_org_id"]), None)
    if handler is None:  # off its line (``follow_move`` puts it back): where the matter lives
        handler = line[-1]
    return _made(
        Issue,
        {
            "id": r["id"],
            "source": _SOURCES[r["source"]],
            "title": r["title"],
            "text": r["text"],
            "raiser": r["raiser"],
            "household_id": r["household_id"],
            "line": line,
            "handler": handler,
            "status": _STATUSES[r["status"]],
            "timeline": timeline,
            "category": r["category"],
            "difficulty": _DIFFICULTIES[r["difficulty"]] if r["difficulty"] else None,
            "clock": _made(
                StepClock,
                {
                    "step": _STEPS[r["step"]],
                    "started_at": r["step_started_at"],
                    "due": r["due"],
                    "warned": r["warned"],
                    "overdue": r["overdue"],
                },
            )
            if r["step"]
            else None,
            "extension": ExtensionRequest(
                r["extension_until"],
                r["extension_reason"] or "",
                r["extension_by"] or "",
                r["extension_at"],
            )
            if r["extension_until"]
            else None,
            "supervision": _SUPERVISIONS[r["supervision"]],
            "overdue_count": r["overdue_count"],
            "ledger": LedgerEntry(
                r["ledger_plan"],
                r["ledger_owner"] or "",
                r["ledger_review_on"],
                r["ledger_review_flagged"],
            )
            if r["ledger_plan"] is not None
            else None,
            "answer": r["answer"],
            "result": r["result"],
            "rating": Rating(r["rating"]) if r["rating"] else None,
            "dissatisfied_count": r["dissatisfied_count"],
            "reopen_count": r["reopen_count"],
            "client_ref": r["client_ref"],
        },
    )


def _photo(r: Row[Any]) -> IssuePhoto:
    return IssuePhoto(
        id=r.id,
        issue_id=r.issue_id,
        content_type=r.content_type,
        size_bytes=r.size_bytes,
        width=r.width,
        height=r.height,
        sha256=r.sha256,
        storage_key=r.storage_key,
        created_by=r.created_by,
        created_at=r.created_at,
        client_uuid=r.client_uuid,
    )
