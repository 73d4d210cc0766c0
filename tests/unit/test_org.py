from __future__ import annotations

import pytest

from domain.kernel.errors import RuleBroken
from domain.kernel.org import OrgLevel, OrgUnit, is_within, path_of, subtree_bounds


def unit(id_: int, level: OrgLevel, path: str, parent: int | None = None) -> OrgUnit:
    return OrgUnit(id=id_, name=f"n{id_}", level=level, parent_id=parent, path=path)


def test_a_node_is_within_itself_and_its_ancestors() -> None:
    assert is_within("/1/7/42/", "/1/7/42/")
    assert is_within("/1/7/42/", "/1/")


def test_a_node_whose_id_begins_with_anothers_is_not_its_descendant() -> None:
    # The peer's bug: a plain prefix test on "/1/1" matched "/1/12/".
    assert not is_within("/1/12/", "/1/1/")
    assert not is_within("/12/", "/1/")


def test_subtree_range_holds_descendants_and_excludes_prefix_siblings() -> None:
    low, high = subtree_bounds("/1/7/")
    inside = ["/1/7/", "/1/7/8/", "/1/7/999/3/"]
    outside = ["/1/70/", "/1/71/2/", "/1/6/", "/1/8/", "/2/"]
    assert all(low <= p < high for p in inside)
    assert not any(low <= p < high for p in outside)


def test_path_of_appends_the_id_as_a_whole_segment() -> None:
    assert path_of(None, 5) == "/5/"
    assert path_of("/5/", 12) == "/5/12/"


def test_moving_a_node_under_its_own_descendant_is_refused() -> None:
    township = unit(2, OrgLevel.TOWNSHIP, "/1/2/", 1)
    village = unit(3, OrgLevel.VILLAGE, "/1/2/3/", 2)
    with pytest.raises(RuleBroken) as err:
        township.moved_under(village)
    assert err.value.code == "org.cyclic_move"


def test_moving_a_node_under_itself_is_refused() -> None:
    village = unit(3, OrgLevel.VILLAGE, "/1/2/3/", 2)
    with pytest.raises(RuleBroken):
        village.moved_under(village)


def test_a_village_moves_to_another_township_with_a_new_path() -> None:
    village = unit(3, OrgLevel.VILLAGE, "/1/2/3/", 2)
    other = unit(21, OrgLevel.TOWNSHIP, "/1/21/", 1)
    moved = village.moved_under(other)
    assert (moved.parent_id, moved.path) == (21, "/1/21/3/")


def test_a_grid_cannot_hang_directly_under_a_county() -> None:
    county = unit(1, OrgLevel.COUNTY, "/1/")
    grid = unit(9, OrgLevel.GRID, "/1/2/3/9/", 3)
    with pytest.raises(RuleBroken) as err:
        grid.moved_under(county)
    assert err.value.code == "org.level_not_allowed"
