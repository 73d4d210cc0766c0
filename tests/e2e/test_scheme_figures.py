"""Each figure of a scheme says where it comes from: the seed (with its words) or ours (a
default the county tunes), and in an area's scheme in force, a level's own setting."""

from __future__ import annotations

from fastapi.testclient import TestClient

from domain.kernel.access import Role
from tests.builders import World

API = "/api/v1"


def test_the_schemes_mark_each_figure_seed_with_its_quote_or_default(
    client: TestClient, world: World
) -> None:
    res = client.get(f"{API}/schemes", headers=world.headers(Role.ADMIN))
    assert res.status_code == 200, res.text
    huiji = next(s for s in res.json() if s["code"] == "one_six_n")
    figures = huiji["figures"]
    mappings = {"meeting_cadence_days", "point_rules", "issue_time_limits"}  # figures per entry
    assert set(huiji["params"]) - mappings <= set(figures)
    # seeds/huiji-1plus6plusN.txt: “责任党员每两周至少1次登门走访、电话联系”
    cadence = figures["visit_cadence_days"]
    assert (cadence["basis"], cadence["basis_label"]) == ("seed", "依据")
    assert "每两周至少1次" in cadence["quote"]
    # “至少6户”: the most (15) is ours; so are the 48 hours and the points
    for key in ("households_max", "must_attend_deadline_hours", "point_rules.visit"):
        assert (figures[key]["basis"], figures[key]["basis_label"]) == ("default", "默认"), key
        assert figures[key]["quote"] is None
    jiaxing = next(s for s in res.json() if s["code"] == "yilian_sanhui")["figures"]
    assert jiaxing["meeting_cadence_days.analysis"]["basis"] == "seed"  # 每两个月召开一次
    assert jiaxing["meeting_cadence_days.evaluation"]["basis"] == "default"
    assert jiaxing["meeting_cadence_days.evaluation"]["label"] == "会议周期（天）：民主评议会"


def test_a_figure_set_by_a_level_is_marked_local_in_the_scheme_in_force(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.ADMIN)
    res = client.put(
        f"{API}/org-units/{world.org['C']}/scheme",
        json={"scheme": "one_six_n", "overrides": {"households_max": 12}},
        headers=h,
    )
    assert res.status_code == 200, res.text
    figures = client.get(f"{API}/org-units/{world.org['V1']}/scheme", headers=h).json()["figures"]
    assert (figures["households_max"]["basis"], figures["households_max"]["basis_label"]) == (
        "local",
        "本地设置",
    )
    assert figures["households_min"]["basis"] == "seed"
