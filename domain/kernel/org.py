"""The organisation tree (组织架构): county 县/区 → township 乡镇/街道 →
village 村 / community 社区 → grid 网格 → party group 党小组.

Every node stores a materialised path of ids, ``/1/7/42/``. Subtree membership compares whole
segments: the trailing slash makes ``/1/12/`` not a descendant of ``/1/1/`` (a peer's bug
was a plain prefix test on ``/1/1``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

from domain.kernel.errors import RuleBroken


class OrgLevel(StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    COMMUNITY = "community"
    GRID = "grid"
    PARTY_GROUP = "party_group"


LEVEL_LABELS: Final[dict[OrgLevel, str]] = {
    OrgLevel.COUNTY: "县/区",
    OrgLevel.TOWNSHIP: "乡镇/街道",
    OrgLevel.VILLAGE: "村",
    OrgLevel.COMMUNITY: "社区",
    OrgLevel.GRID: "网格",
    OrgLevel.PARTY_GROUP: "党小组",
}

# Which level may hang under which. A county may sit at the root; a city-level root is a county too.
ALLOWED_PARENT: Final[dict[OrgLevel, frozenset[OrgLevel | None]]] = {
    OrgLevel.COUNTY: frozenset({None, OrgLevel.COUNTY}),
    OrgLevel.TOWNSHIP: frozenset({OrgLevel.COUNTY}),
    OrgLevel.VILLAGE: frozenset({OrgLevel.TOWNSHIP}),
    OrgLevel.COMMUNITY: frozenset({OrgLevel.TOWNSHIP}),
    OrgLevel.GRID: frozenset({OrgLevel.VILLAGE, OrgLevel.COMMUNITY}),
    OrgLevel.PARTY_GROUP: frozenset({OrgLevel.VILLAGE, OrgLevel.COMMUNITY, OrgLevel.GRID}),
}

# Households live on grids (and, in communities, in buildings of a grid).
HOUSEHOLD_LEVELS: Final[frozenset[OrgLevel]] = frozenset({OrgLevel.GRID})


def path_of(parent_path: str | None, node_id: int) -> str:
    """The materialised path of a node with this id under a parent path (root when None)."""
    return f"{parent_path or '/'}{node_id}/"


def is_within(path: str, ancestor_path: str) -> bool:
    """True when ``path`` is ``ancestor_path`` or below it, comparing whole segments."""
    if not (path.endswith("/") and ancestor_path.endswith("/")):
        raise ValueError("org paths end with '/'")
    return path.startswith(ancestor_path)


def nearest_of(path: str, levels: Collection[str]) -> str:
    """The nearest of ``levels`` at or above ``path`` (the level whose settings it follows,
    such as a scheme's figures); one of them must be an ancestor of it."""
    nearest = path
    while nearest not in levels:
        if nearest == "/":
            raise ValueError(f"no level of {sorted(levels)} above {path}")
        nearest = nearest[: nearest.rindex("/", 0, len(nearest) - 1) + 1]
    return nearest


def ancestor_ids(path: str) -> list[int]:
    """Ids on the path from the root down to the node itself."""
    return [int(part) for part in path.strip("/").split("/") if part]


def subtree_bounds(path: str) -> tuple[str, str]:
    """Half-open range [low, high) of paths in the subtree, for an indexed range scan.

    Paths hold only digits and '/', and '0' follows '/' in byte order, so every descendant of
    ``/1/7/`` sorts in ``['/1/7/', '/1/70')`` and ``/1/70/`` itself does not.
    """
    return path, path[:-1] + "0"


@dataclass(frozen=True)
class OrgUnit:
    """One node of the tree."""

    id: int
    name: str
    level: OrgLevel
    parent_id: int | None
    path: str
    code: str | None = None
    external_id: str | None = None

    @property
    def depth(self) -> int:
        return len(ancestor_ids(self.path)) - 1

    def check_parent(self, parent: OrgUnit | None) -> None:
        """Refuse a parent of the wrong level (a grid directly under a county …)."""
        allowed = ALLOWED_PARENT[self.level]
        parent_level = parent.level if parent else None
        if parent_level not in allowed:
            raise RuleBroken(
                "org.level_not_allowed",
                f"{LEVEL_LABELS[self.level]}不能设在"
                f"{LEVEL_LABELS[parent_level] if parent_level else '根'}之下",
                field="parent_id",
            )

    def moved_under(self, parent: OrgUnit | None) -> OrgUnit:
        """This node re-parented; refuses a move under itself or its own descendant (成环)."""
        if parent is not None and is_within(parent.path, self.path):
            raise RuleBroken(
                "org.cyclic_move",
                "不能把组织移到它自己或它的下级之下",
                field="parent_id",
            )
        self.check_parent(parent)
        return replace(
            self,
            parent_id=parent.id if parent else None,
            path=path_of(parent.path if parent else None, self.id),
        )
