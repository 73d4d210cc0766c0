"""A unit's 联户模式 tuned in the admin console: its main parameters saved as the unit's own
values over the preset, and a combination the rules refuse answered under the field."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_forms import admin_login, api, field, shot


def test_a_units_scheme_parameters_are_tuned_and_a_bad_pair_refused_at_its_field(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live)
    page.get_by_role("menuitem", name="组织架构").click()
    card = page.locator("[data-test=scheme-card]")
    expect(card.locator("[data-test=scheme-name]")).to_be_visible()
    tuning = card.locator("[data-test=scheme-tuning]")
    county = api(live, "GET", "/org-units?level=county&limit=1").json()["data"][0]
    before = api(live, "GET", f"/org-units/{county['id']}/scheme").json()

    cadence = tuning.locator("[data-test=tune-visit_cadence_days] input")
    cadence.fill("10")
    cadence.press("Tab")
    expect(tuning).to_contain_text("本级调整")
    card.locator("[data-test=scheme-save]").click()
    expect(page.locator(".el-message--success")).to_be_visible()
    after = api(live, "GET", f"/org-units/{county['id']}/scheme").json()
    assert after["params"]["visit_cadence_days"] == 10, after
    assert after["code"] == before["code"]
    shot(page, artifacts / "admin_scheme_tuned.png")

    # fewer households at most than at least: the server's rule, under 每人最多联系
    low = tuning.locator("[data-test=tune-households_min] input")
    low.fill("9")
    low.press("Tab")
    high = tuning.locator("[data-test=tune-households_max] input")
    high.fill("2")
    high.press("Tab")
    card.locator("[data-test=scheme-save]").click()
    expect(field(tuning, "每人最多联系").locator(".el-form-item__error")).to_contain_text(
        "最多联系户数须不小于最少联系户数"
    )
    shot(page, artifacts / "admin_scheme_refused.png")
    kept = api(live, "GET", f"/org-units/{county['id']}/scheme").json()
    assert kept["params"] == after["params"]  # nothing written
    assert errors == []


def test_the_scheme_card_marks_each_figure_seed_or_default(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    """GET /schemes once claimed a seed for every figure; the card now says which the seed
    gives (依据, with its words: seeds/huiji-1plus6plusN.txt “每两周至少1次”) and which are
    ours (默认)."""
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live)
    page.get_by_role("menuitem", name="组织架构").click()
    card = page.locator("[data-test=scheme-card]")
    expect(card.locator("[data-test=scheme-name]")).to_be_visible()
    county = api(live, "GET", "/org-units?level=county&limit=1").json()["data"][0]
    figures = api(live, "GET", f"/org-units/{county['id']}/scheme").json()["figures"]
    expect(card.locator("[data-test=basis-households_max]")).to_contain_text(
        figures["households_max"]["basis_label"]
    )
    card.locator("[data-test=scheme-figures] summary").click()
    table = card.locator("[data-test=scheme-figures]")
    for key, figure in figures.items():
        expect(table.locator(f"[data-test='figure-{key}']")).to_have_text(figure["basis_label"])
    seeds = [f for f in figures.values() if f["basis"] == "seed"]
    assert seeds and any(f["basis"] == "default" for f in figures.values())
    expect(table).to_contain_text(seeds[0]["quote"])
    shot(page, artifacts / "admin_scheme_figures.png")
    assert errors == []
