"""Issues (问题) and the reads their flow needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.issues.calendar import WorkCalendar
from domain.issues.model import Issue, OrgRef
from domain.kernel.access import Scope


class IssueStore(Protocol):
    """Issues with their timelines. The timeline is append-only: ``save`` writes the entries
    beyond those stored and never rewrites one; its length is the issue's version."""

    # An issue outside the caller's subtree (by where its matter lives) is NotFound.
    def get(self, issue_id: int, scope: Scope) -> Issue: ...
    # As stored now, and changed by no other transaction until this one ends.
    def get_locked(self, issue_id: int, scope: Scope) -> Issue: ...
    # The issue a field app's batch raised under its own id (a replayed batch is one issue).
    def by_client_ref(self, client_ref: str) -> Issue | None: ...
    # The issue with its id; None: its client_ref was stored meanwhile, nothing was written.
    def add(self, issue: Issue) -> Issue | None: ...
    # Writes the issue's state and its new entries; Conflict (``issue.stale``) when the stored
    # timeline is no longer ``stored_entries`` long (another transaction acted meanwhile).
    def save(self, issue: Issue, *, stored_entries: int) -> None: ...
    # Open issues in the scope, by id after ``after_id``: the deadline sweep's batches.
    def open_issues(self, scope: Scope, *, after_id: int = 0, limit: int) -> Sequence[Issue]: ...
    # The handling orgs from the county down to the org (the issue's line), county first.
    def line_of(self, org_id: int, scope: Scope) -> tuple[OrgRef, ...]: ...


class WorkCalendarStore(Protocol):
    """The work calendar (工作日历): seeded from the public holidays, edited by an admin."""

    def get(self) -> WorkCalendar: ...
