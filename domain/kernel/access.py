"""Who may do what, and over which part of the tree (数据范围).

A caller — a logged-in user or a platform's API key — acts through a ``Scope``: the path of the org
subtree it may reach, the permissions it holds and, for an ordinary member, the member id that
narrows households to the ones they look after (a member sees their own households only).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from domain.kernel.errors import Forbidden
from domain.kernel.org import is_within


class Permission(StrEnum):
    ORG_READ = "org:read"
    ORG_WRITE = "org:write"
    MEMBER_READ = "member:read"
    MEMBER_WRITE = "member:write"
    HOUSEHOLD_READ = "household:read"
    HOUSEHOLD_WRITE = "household:write"
    SCHEME_READ = "scheme:read"
    SCHEME_WRITE = "scheme:write"
    IMPORT = "data:import"
    EXPORT = "data:export"
    PERSONAL_DATA = "personal:read"  # unmasked phones and addresses (PIPL: need to know)
    AUDIT_READ = "audit:read"
    USER_ADMIN = "user:admin"
    ASSIGNMENT_WRITE = "assignment:write"  # propose, edit and publish rosters (包户方案)
    VISIT_WRITE = "visit:write"  # log visits (民情日志): members in the field and their branch
    POLICY_WRITE = "policy:write"  # define policies and their eligibility rules (政策明白卡)
    ISSUE_READ = "issue:read"  # see the issues (问题/诉求) of one's area and their timelines
    ISSUE_WRITE = "issue:write"  # raise and handle issues: classify, pass on, answer, close
    ISSUE_SUPERVISE = "issue:supervise"  # 督办: urge, approve or refuse extensions below one
    SERVICE_ORDER_READ = "service_order:read"  # see service orders (服务订单) of one's area
    SERVICE_ORDER_WRITE = "service_order:write"  # order for a household, take, do, complete
    SERVICE_ORDER_DISPATCH = "service_order:dispatch"  # 网格下单: send an order to a member
    MEETING_READ = "meeting:read"  # see the meetings (会议) of one's org, their minutes, tasks
    MEETING_WRITE = "meeting:write"  # plan and hold meetings: agenda, attendance, minutes, tasks


PERMISSION_LABELS: Final[dict[Permission, str]] = {
    Permission.ORG_READ: "查看组织",
    Permission.ORG_WRITE: "维护组织",
    Permission.MEMBER_READ: "查看党员",
    Permission.MEMBER_WRITE: "维护党员",
    Permission.HOUSEHOLD_READ: "查看农户",
    Permission.HOUSEHOLD_WRITE: "维护农户",
    Permission.SCHEME_READ: "查看联户模式",
    Permission.SCHEME_WRITE: "选择联户模式",
    Permission.IMPORT: "批量导入",
    Permission.EXPORT: "导出",
    Permission.PERSONAL_DATA: "查看个人信息（不脱敏）",
    Permission.AUDIT_READ: "查看操作日志",
    Permission.USER_ADMIN: "管理账号与密钥",
    Permission.ASSIGNMENT_WRITE: "编制包户方案",
    Permission.VISIT_WRITE: "记录走访",
    Permission.POLICY_WRITE: "维护政策",
    Permission.ISSUE_READ: "查看问题",
    Permission.ISSUE_WRITE: "收集办理问题",
    Permission.ISSUE_SUPERVISE: "督办问题",
    Permission.SERVICE_ORDER_READ: "查看服务订单",
    Permission.SERVICE_ORDER_WRITE: "点单接单",
    Permission.SERVICE_ORDER_DISPATCH: "服务派单",
    Permission.MEETING_READ: "查看会议",
    Permission.MEETING_WRITE: "组织会议",
}


class Role(StrEnum):
    """Roles of accounts. The first six mirror members' roles; auditor and admin are staff roles."""

    MEMBER = "member"
    GROUP_LEADER = "group_leader"
    BRANCH_SECRETARY = "branch_secretary"
    VILLAGE_CADRE = "village_cadre"
    TOWNSHIP_CADRE = "township_cadre"
    COUNTY_CADRE = "county_cadre"
    AUDITOR = "auditor"
    ADMIN = "admin"


ROLE_LABELS: Final[dict[Role, str]] = {
    Role.MEMBER: "党员",
    Role.GROUP_LEADER: "党小组长",
    Role.BRANCH_SECRETARY: "支部书记",
    Role.VILLAGE_CADRE: "村两委干部",
    Role.TOWNSHIP_CADRE: "乡镇干部",
    Role.COUNTY_CADRE: "县级干部",
    Role.AUDITOR: "审计员",
    Role.ADMIN: "系统管理员",
}

_READ = frozenset(
    {Permission.ORG_READ, Permission.MEMBER_READ, Permission.HOUSEHOLD_READ, Permission.SCHEME_READ}
)
_P = Permission

# The issue flow (问题/诉求): members and group leaders raise and handle issues at their place;
# those who lead a level (branch, 两委, township, county) also supervise the levels below them
# (催办, 延期审批: the level above approves); auditors read.
_ISSUES = frozenset({Permission.ISSUE_READ, Permission.ISSUE_WRITE})
_SUPERVISING = _ISSUES | {Permission.ISSUE_SUPERVISE}
# Meetings (会议): members and group leaders read their org's meetings (and mark their own tasks
# done); whoever leads a level (branch, 两委, township, county) holds them; auditors read.
_MEETINGS = frozenset({Permission.MEETING_READ, Permission.MEETING_WRITE})

# Service orders (群众点单 → 网格下单 → 党员接单): members and group leaders order for their
# households, take and do orders; those who lead a grid branch or a level above also dispatch
# (a grid's or village's branch secretary, 两委, township, county); auditors read.
_ORDERS = frozenset({Permission.SERVICE_ORDER_READ, Permission.SERVICE_ORDER_WRITE})
_DISPATCHING = _ORDERS | {Permission.SERVICE_ORDER_DISPATCH}

# Personal data goes to those who contact households (member, group, branch, 两委) and to the
# admin who maintains the registers; supervising cadres and auditors see masked values.
ROLE_PERMISSIONS: Final[dict[Role, frozenset[Permission]]] = {
    Role.MEMBER: _READ | _ISSUES | _ORDERS | {_P.PERSONAL_DATA, _P.VISIT_WRITE, _P.MEETING_READ},
    Role.GROUP_LEADER: _READ
    | _ISSUES
    | _ORDERS
    | {_P.PERSONAL_DATA, _P.VISIT_WRITE, _P.MEETING_READ},
    Role.BRANCH_SECRETARY: _READ
    | _SUPERVISING
    | _DISPATCHING
    | _MEETINGS
    | {
        _P.PERSONAL_DATA,
        _P.MEMBER_WRITE,
        _P.HOUSEHOLD_WRITE,
        _P.IMPORT,
        _P.EXPORT,
        _P.ASSIGNMENT_WRITE,
        _P.VISIT_WRITE,
    },
    Role.VILLAGE_CADRE: _READ
    | _SUPERVISING
    | _DISPATCHING
    | _MEETINGS
    | {_P.PERSONAL_DATA, _P.HOUSEHOLD_WRITE, _P.EXPORT, _P.VISIT_WRITE},
    Role.TOWNSHIP_CADRE: _READ
    | _SUPERVISING
    | _DISPATCHING
    | _MEETINGS
    | {
        _P.ORG_WRITE,
        _P.MEMBER_WRITE,
        _P.HOUSEHOLD_WRITE,
        _P.IMPORT,
        _P.EXPORT,
        _P.ASSIGNMENT_WRITE,
        _P.POLICY_WRITE,
    },
    Role.COUNTY_CADRE: _READ
    | _SUPERVISING
    | _DISPATCHING
    | _MEETINGS
    | {
        _P.ORG_WRITE,
        _P.MEMBER_WRITE,
        _P.HOUSEHOLD_WRITE,
        _P.SCHEME_WRITE,
        _P.IMPORT,
        _P.EXPORT,
        _P.USER_ADMIN,
        _P.ASSIGNMENT_WRITE,
        _P.POLICY_WRITE,
    },
    Role.AUDITOR: _READ | {_P.AUDIT_READ, _P.ISSUE_READ, _P.SERVICE_ORDER_READ, _P.MEETING_READ},
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Scope:
    """The reach of one caller: an org subtree, a permission set, optionally one member's own."""

    org_path: str
    permissions: frozenset[Permission]
    actor: str
    member_id: int | None = None
    own_households_only: bool = False

    @classmethod
    def for_role(
        cls, *, role: Role, org_path: str, actor: str, member_id: int | None = None
    ) -> Scope:
        return cls(
            org_path=org_path,
            permissions=ROLE_PERMISSIONS[role],
            actor=actor,
            member_id=member_id,
            # An ordinary member sees only the households they look after (包户).
            own_households_only=role is Role.MEMBER,
        )

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise Forbidden("auth.permission_denied", f"缺少权限 {permission.value}")

    def covers(self, path: str) -> bool:
        return is_within(path, self.org_path)

    # The two rules below are persistence.scoping's household_scope and member_scope for one
    # record in hand (a batch of visits checks each against its own caller): keep them alike.

    def sees_household(self, path: str, contact_id: int | None) -> bool:
        """A household of the org unit at ``path``, looked after today by ``contact_id``: in
        the subtree, and an ordinary member's own."""
        return self.covers(path) and (not self.own_households_only or contact_id == self.member_id)

    def sees_member(self, path: str, member_id: int) -> bool:
        """A member of the org unit at ``path``: in the subtree; an ordinary member: themself."""
        return self.covers(path) and (not self.own_households_only or member_id == self.member_id)

    @property
    def sees_personal_data(self) -> bool:
        return Permission.PERSONAL_DATA in self.permissions
