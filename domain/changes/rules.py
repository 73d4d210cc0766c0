"""The change feed's rule (GET /api/v1/changes): who reads which kind of record's changes."""

from __future__ import annotations

from typing import Final

from domain.kernel.access import Permission

# Who may read a record's changes in the change feed (GET /changes): the permission that reads
# the record itself. A kind not named here is for auditors only.
READ_PERMISSION: Final[dict[str, Permission]] = {
    "org_unit": Permission.ORG_READ,
    "scheme_binding": Permission.SCHEME_READ,
    "member": Permission.MEMBER_READ,
    "member_tie": Permission.MEMBER_READ,
    "member_request": Permission.MEMBER_READ,
    "members": Permission.MEMBER_READ,  # an import of members
    "org_units": Permission.ORG_READ,  # an import of org units
    "households": Permission.HOUSEHOLD_READ,  # an import of households
    "household": Permission.HOUSEHOLD_READ,
    "household_residents": Permission.HOUSEHOLD_READ,
    "category": Permission.HOUSEHOLD_READ,
    "visit": Permission.HOUSEHOLD_READ,
    "visit_photo": Permission.HOUSEHOLD_READ,
    "issue_draft": Permission.HOUSEHOLD_READ,
    "must_attend_event": Permission.HOUSEHOLD_READ,
    "card_token": Permission.HOUSEHOLD_READ,
    "card_sheet": Permission.HOUSEHOLD_READ,
    "policy": Permission.HOUSEHOLD_READ,
    "policy_delivery": Permission.HOUSEHOLD_READ,
    "issue": Permission.ISSUE_READ,
    "issue_photo": Permission.ISSUE_READ,
    "work_calendar_day": Permission.ISSUE_READ,
    "service_order": Permission.SERVICE_ORDER_READ,
    "service_order_photo": Permission.SERVICE_ORDER_READ,
    "meeting": Permission.MEETING_READ,
    "meeting_task": Permission.MEETING_READ,
    "assignment_proposal": Permission.HOUSEHOLD_READ,
    "user": Permission.USER_ADMIN,
    "api_key": Permission.USER_ADMIN,
}


def readable_kinds(held: frozenset[Permission]) -> frozenset[str] | None:
    """The kinds of record whose changes a caller holding ``held`` may read; None: all (an
    auditor reads every change, as the audit log)."""
    if Permission.AUDIT_READ in held:
        return None
    return frozenset(kind for kind, needed in READ_PERMISSION.items() if needed in held)
