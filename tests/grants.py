"""The access matrix's expected grants, written out by hand (never read off
``domain.access``): what each account role may do. The unit tests of the rules and the HTTP
access matrix both hold the code to it, so a grant added or dropped on either side shows up."""

from __future__ import annotations

from domain.kernel.access import Role

READ = frozenset({"org:read", "member:read", "household:read", "scheme:read"})
ISSUES = frozenset({"issue:read", "issue:write"})  # raise and handle issues
SUPERVISING = ISSUES | {"issue:supervise"}  # and supervise the levels below (催办, 延期审批)
ORDERS = frozenset({"service_order:read", "service_order:write"})  # order, take, do
DISPATCHING = ORDERS | {"service_order:dispatch"}  # and dispatch (网格下单)
MEETINGS = frozenset({"meeting:read", "meeting:write"})  # hold meetings (会议), assign tasks
GRANTS: dict[Role, frozenset[str]] = {
    Role.MEMBER: READ | ISSUES | ORDERS | {"personal:read", "visit:write", "meeting:read"},
    Role.GROUP_LEADER: READ | ISSUES | ORDERS | {"personal:read", "visit:write", "meeting:read"},
    Role.BRANCH_SECRETARY: READ
    | SUPERVISING
    | DISPATCHING
    | MEETINGS
    | {
        "personal:read",
        "member:write",
        "household:write",
        "data:import",
        "data:export",
        "assignment:write",
        "visit:write",
    },
    Role.VILLAGE_CADRE: READ
    | SUPERVISING
    | DISPATCHING
    | MEETINGS
    | {"personal:read", "household:write", "data:export", "visit:write"},
    Role.TOWNSHIP_CADRE: READ
    | SUPERVISING
    | DISPATCHING
    | MEETINGS
    | {
        "org:write",
        "member:write",
        "household:write",
        "data:import",
        "data:export",
        "assignment:write",
        "policy:write",
    },
    Role.COUNTY_CADRE: READ
    | SUPERVISING
    | DISPATCHING
    | MEETINGS
    | {
        "org:write",
        "member:write",
        "household:write",
        "scheme:write",
        "data:import",
        "data:export",
        "user:admin",
        "assignment:write",
        "policy:write",
    },
    Role.AUDITOR: READ | {"audit:read", "issue:read", "service_order:read", "meeting:read"},
    Role.ADMIN: READ
    | SUPERVISING
    | DISPATCHING
    | MEETINGS
    | {
        "org:write",
        "member:write",
        "household:write",
        "scheme:write",
        "data:import",
        "data:export",
        "personal:read",
        "audit:read",
        "user:admin",
        "assignment:write",
        "visit:write",
        "policy:write",
    },
}
