"""The unit of work: one transaction, rolled back on exit unless committed (cosmicpython).

Inside ``batch()`` on PostgreSQL every unit of work shares one transaction instead: each
``with uow:`` is a savepoint that its ``commit()`` releases and an error rolls back on its own,
and the whole batch is committed once at the end — one flush to disk for hundreds of offline
operations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from persistence.assignment.store import SqlAssignmentStore
from persistence.audit.store import SqlAuditRepository
from persistence.issue_drafts.store import SqlIssueDraftStore
from persistence.must_attend.store import SqlEventStore
from persistence.org.store import SqlOrgRepository
from persistence.photos.store import SqlPhotoStore
from persistence.policies.store import SqlPolicyStore
from persistence.registers.store import SqlHouseholdRepository, SqlMemberRepository
from persistence.schemes.store import SqlSchemeRepository
from persistence.transfer.store import SqlBulkStore
from persistence.visits.store import SqlVisitStore


class SqlAlchemyUnitOfWork:
    session: Session

    def __init__(self, session_factory: sessionmaker[Session], request_id: str | None = None):
        self.session_factory = session_factory
        self.request_id = request_id
        self._shared: Session | None = None  # the batch's session, while a batch is open
        self._savepoint: SessionTransaction | None = None

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
        finally:
            self._shared.close()
            self._shared = None

    def __enter__(self) -> Self:
        if self._shared is not None:
            self.session = self._shared
            self._savepoint = self.session.begin_nested()
        else:
            self.session = self.session_factory()
        self.orgs = SqlOrgRepository(self.session)
        self.members = SqlMemberRepository(self.session)
        self.households = SqlHouseholdRepository(self.session)
        self.schemes = SqlSchemeRepository(self.session)
        self.audit = SqlAuditRepository(self.session, self.request_id)
        self.bulk = SqlBulkStore(self.session)
        self.assignments = SqlAssignmentStore(self.session)
        self.visits = SqlVisitStore(self.session)
        self.events = SqlEventStore(self.session)
        self.photos = SqlPhotoStore(self.session)
        self.issue_drafts = SqlIssueDraftStore(self.session)
        self.policies = SqlPolicyStore(self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._savepoint is not None:
            if self._savepoint.is_active:
                self._savepoint.rollback()
            self._savepoint = None
            return
        self.rollback()
        self.session.close()

    def commit(self) -> None:
        if self._savepoint is not None:
            self._savepoint.commit()  # released; written for good when the batch commits
        else:
            self.session.commit()

    def rollback(self) -> None:
        if self._savepoint is not None:
            if self._savepoint.is_active:
                self._savepoint.rollback()
        else:
            self.session.rollback()
