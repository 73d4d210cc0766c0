"""The unit of work: one transaction, the stores of every feature built on demand.

Every read takes a ``Scope``; there is no unscoped default."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Self

from domain.kernel.events import Event

if TYPE_CHECKING:  # the kernel names the features' ports, never imports them at run time
    from domain.accounts.ports import AccountStore
    from domain.assignment.ports import AssignmentStore
    from domain.audit.ports import AuditRepository
    from domain.issue_drafts.ports import IssueDraftStore
    from domain.must_attend.ports import EventStore
    from domain.org.ports import OrgRepository
    from domain.photos.ports import PhotoStore
    from domain.policies.ports import PolicyStore
    from domain.registers.ports import HouseholdRepository, MemberRepository
    from domain.schemes.ports import SchemeRepository
    from domain.transfer.ports import BulkStore
    from domain.visits.ports import VisitStore


class UnitOfWork(Protocol):
    # Read-only properties, so a concrete unit of work may hold concrete repositories.
    @property
    def orgs(self) -> OrgRepository: ...
    @property
    def members(self) -> MemberRepository: ...
    @property
    def households(self) -> HouseholdRepository: ...
    @property
    def schemes(self) -> SchemeRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def bulk(self) -> BulkStore: ...
    @property
    def assignments(self) -> AssignmentStore: ...
    @property
    def visits(self) -> VisitStore: ...
    @property
    def events(self) -> EventStore: ...
    @property
    def photos(self) -> PhotoStore: ...
    @property
    def issue_drafts(self) -> IssueDraftStore: ...
    @property
    def policies(self) -> PolicyStore: ...
    @property
    def accounts(self) -> AccountStore: ...

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    # What happened: written to the outbox with the change at commit, in its transaction.
    def emit(self, *events: Event) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
