"""The unit of work: one transaction, rolled back on exit unless committed (cosmicpython).

Inside ``batch()`` on PostgreSQL every unit of work shares one transaction instead: each
``with uow:`` is a savepoint that its ``commit()`` releases and an error rolls back on its own,
and the whole batch is committed once at the end — one flush to disk for hundreds of offline
operations.

The services' domain events are collected by ``emit`` and written at ``commit``, in the
transaction of the change: a row each in the outbox, and the in-transaction handlers (the audit
trail) run; once committed (the batch, inside one) the after-commit handlers run."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, Self, TypeVar

from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

import domain.audit.trail  # subscribes the audit trail to every change
import domain.issues.handlers  # noqa: F401  (issues follow their org units when the tree moves)
from domain.kernel.events import Event, handlers
from domain.service_orders import handlers as _orders_follow_moves  # noqa: F401  (so do orders)
from persistence.accounts.store import SqlAccountStore
from persistence.assignment.store import SqlAssignmentStore
from persistence.audit.store import SqlAuditRepository
from persistence.issue_drafts.store import SqlIssueDraftStore
from persistence.issues.calendar import SqlWorkCalendarStore
from persistence.issues.store import SqlIssueStore
from persistence.meetings.store import SqlMeetingStore
from persistence.must_attend.store import SqlEventStore
from persistence.org.store import SqlOrgRepository
from persistence.outbox.store import SqlOutboxStore
from persistence.photos.store import SqlPhotoStore
from persistence.policies.store import SqlPolicyStore
from persistence.registers.store import SqlHouseholdRepository, SqlMemberRepository
from persistence.schemes.store import SqlSchemeRepository
from persistence.service_orders.store import SqlServiceOrderStore
from persistence.transfer.store import SqlBulkStore
from persistence.visits.store import SqlVisitStore

S = TypeVar("S")


class _Store(Generic[S]):
    """A feature's store on the unit of work's session, built the first time a use case asks
    for it (most use two or three of them) and dropped when the unit of work ends."""

    def __init__(self, make: Callable[[Session], S]) -> None:
        self.make = make
        self.key = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = f"_store_{name}"

    def __get__(self, uow: SqlAlchemyUnitOfWork, owner: Any = None) -> S:
        built: S | None = uow.__dict__.get(self.key)
        if built is None:
            built = self.make(uow.session)
            uow.__dict__[self.key] = built
        return built


class SqlAlchemyUnitOfWork:
    session: Session

    orgs = _Store(SqlOrgRepository)
    members = _Store(SqlMemberRepository)
    households = _Store(SqlHouseholdRepository)
    schemes = _Store(SqlSchemeRepository)
    bulk = _Store(SqlBulkStore)
    assignments = _Store(SqlAssignmentStore)
    visits = _Store(SqlVisitStore)
    events = _Store(SqlEventStore)
    photos = _Store(SqlPhotoStore)
    issue_drafts = _Store(SqlIssueDraftStore)
    policies = _Store(SqlPolicyStore)
    accounts = _Store(SqlAccountStore)
    issues = _Store(SqlIssueStore)
    work_calendar = _Store(SqlWorkCalendarStore)
    service_orders = _Store(SqlServiceOrderStore)
    meetings = _Store(SqlMeetingStore)

    def __init__(self, session_factory: sessionmaker[Session], request_id: str | None = None):
        self.session_factory = session_factory
        self.request_id = request_id
        self._shared: Session | None = None  # the batch's session, while a batch is open
        self._savepoint: SessionTransaction | None = None
        self._pending: list[Event] = []  # emitted in this unit, not yet written
        self._committed: list[Event] = []  # written and released, awaiting the batch's commit

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for many units of work; committed when the block ends normally.

        Not on SQLite: its Python driver ends the transaction when the outermost savepoint is
        released, and a commit there costs no flush to disk anyway (WAL, synchronous=NORMAL),
        so each unit simply commits on its own."""
        bind = self.session_factory.kw.get("bind")
        if bind is None or bind.dialect.name == "sqlite":
            yield
            return
        self._shared = self.session_factory()
        try:
            yield
            self._shared.commit()
            handlers.run_after_commit(self._committed)
        finally:
            self._committed = []
            self._shared.close()
            self._shared = None

    def __enter__(self) -> Self:
        if self._shared is not None:
            self.session = self._shared
            self._savepoint = self.session.begin_nested()
        else:
            self.session = self.session_factory()
        self._pending = []
        self._open_stores()
        return self

    def _open_stores(self) -> None:
        """A new session: the stores of the last one are dropped, built again on first use."""
        for key in [k for k in self.__dict__ if k.startswith("_store_")]:
            del self.__dict__[key]
        self.outbox = SqlOutboxStore(self.session, self.request_id)
        self.audit = SqlAuditRepository(self.session, self.request_id)

    def emit(self, *events: Event) -> None:
        """Record what happened; written with the change at ``commit``. A deletion names the
        version it ends, so it is emitted before the record is deleted."""
        for e in events:
            if e.tombstone and e.version is None:
                last = self.outbox.version_of(e.entity, e.entity_id)
                if last is not None:
                    e = dataclasses.replace(e, version=last + 1)
            self._pending.append(e)

    def _write_events(self) -> list[Event]:
        events, self._pending = self._pending, []
        if events:
            self.outbox.add_many(events)
            handlers.run_in_transaction(events, self)
        return events

    def __exit__(self, *exc: object) -> None:
        self._pending = []
        if self._savepoint is not None:
            if self._savepoint.is_active:
                self._savepoint.rollback()
            self._savepoint = None
            return
        self.rollback()
        self.session.close()

    def commit(self) -> None:
        events = self._write_events()
        if self._savepoint is not None:
            self._savepoint.commit()  # released; written for good when the batch commits
            self._committed.extend(events)
        else:
            self.session.commit()
            handlers.run_after_commit(events)

    def rollback(self) -> None:
        self._pending = []
        if self._savepoint is not None:
            if self._savepoint.is_active:
                self._savepoint.rollback()
        else:
            self.session.rollback()
