"""Read side: the account and API key lists, each within the caller's subtree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from domain.accounts.model import Account, ApiKey
from domain.kernel.access import Scope
from persistence.accounts.store import (
    account_to_domain,
    accounts_select,
    key_to_domain,
    keys_select,
)
from persistence.accounts.tables import ApiKeyRow, LoginThrottleRow, UserRow
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window, _order, _total
from persistence.scoping import in_subtree


@dataclass(frozen=True)
class ListedAccount:
    account: Account
    locked_until: datetime | None  # the latest login lock in force (from any address), if any


def list_users(
    session: Session, scope: Scope, window: Window, *, at: datetime
) -> Page[ListedAccount]:
    """Accounts whose home lies in the caller's subtree (whole-installation accounts: for the
    installation's own administrators only); ``q`` finds a username or a display name."""
    in_scope = in_subtree(OrgUnitRow.path, scope.org_path)
    stmt = accounts_select().where(
        or_(in_scope, UserRow.org_id.is_(None)) if scope.org_path == "/" else in_scope
    )
    if window.q:
        stmt = stmt.where(
            or_(
                UserRow.username.contains(window.q, autoescape=True),
                UserRow.display_name.contains(window.q, autoescape=True),
            )
        )
    allowed = {"id": UserRow.id, "username": UserRow.username}
    total = _total(session, stmt)
    order = _order(window, allowed, UserRow.id)
    rows = session.execute(stmt.order_by(*order).limit(window.limit).offset(window.offset)).all()
    found = [account_to_domain(*row) for row in rows]
    locks = locks_in_force(session, [a.username for a in found], at)
    return Page(
        [ListedAccount(a, locks.get(a.username)) for a in found],
        total,
        window.limit,
        window.offset,
    )


def locks_in_force(session: Session, usernames: Sequence[str], at: datetime) -> dict[str, datetime]:
    """The latest lock in force (from any address) of each of ``usernames`` that has one."""
    if not usernames:
        return {}
    rows = session.execute(
        select(LoginThrottleRow.username, func.max(LoginThrottleRow.locked_until))
        .where(LoginThrottleRow.username.in_(usernames), LoginThrottleRow.locked_until > at)
        .group_by(LoginThrottleRow.username)
    )
    return {name: until for name, until in rows if until is not None}


def list_api_keys(session: Session, scope: Scope) -> list[ApiKey]:
    """The keys that reach into the caller's subtree, oldest first."""
    rows = session.execute(
        keys_select().where(in_subtree(OrgUnitRow.path, scope.org_path)).order_by(ApiKeyRow.id)
    )
    return [key_to_domain(row, path) for row, path in rows]
