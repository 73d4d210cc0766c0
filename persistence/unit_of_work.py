"""The unit of work: one transaction, rolled back on exit unless committed (cosmicpython)."""

from __future__ import annotations

from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from persistence.assignments import SqlAssignmentStore
from persistence.bulk import SqlBulkStore
from persistence.issue_drafts import SqlIssueDraftStore
from persistence.must_attend import SqlEventStore
from persistence.photos import SqlPhotoStore
from persistence.policies import SqlPolicyStore
from persistence.repositories import (
    SqlAuditRepository,
    SqlHouseholdRepository,
    SqlMemberRepository,
    SqlOrgRepository,
    SqlSchemeRepository,
)
from persistence.visits import SqlVisitStore


class SqlAlchemyUnitOfWork:
    session: Session

    def __init__(self, session_factory: sessionmaker[Session], request_id: str | None = None):
        self.session_factory = session_factory
        self.request_id = request_id

    def __enter__(self) -> Self:
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
        self.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
