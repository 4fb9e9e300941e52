"""In a real browser: from the people to look at first, filtered by team, to one person's reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from rankedworld import RankedWorld, build, fitted_home

from browser import shot, sign_in
from upstander.web.models import StaffMember
from upstander.web.sealing import init_keys
from webworld import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("nothing_blocked")]



@pytest.fixture
def rw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> RankedWorld:
    home = fitted_home(tmp_path / "fit")
    monkeypatch.setenv("UPSTANDER_HOME", str(home))
    init_keys()
    return build(home)


@pytest.mark.screenshots
def test_from_the_ranking_filtered_by_team_to_a_person_s_reasons(rw: RankedWorld, live_server: object,
                                                                 page: object) -> None:
    sign_in(page, str(live_server), "analyst", PASSWORD)
    page.get_by_role("link", name="People to look at first").click()
    page.get_by_role("heading", name="People to look at first").wait_for()
    expect(page.locator("table.ranked tbody tr").first).to_contain_text("%")
    shot(page, "ranked-people")
    top = StaffMember.objects.get(staff_id=rw.top[0])
    page.get_by_label("Team").select_option(top.team_id)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{live_server}/people/?team={top.team_id}&red_flag=&show=25")
    rows = page.locator("table.ranked tbody tr")
    expect(rows.first.get_by_role("link")).to_have_text(top.name)
    page.get_by_role("link", name=top.name).first.click()
    page.get_by_role("heading", name="Where they stand").wait_for()
    expect(page.locator("body")).to_contain_text("Number 1 of")
    expect(page.locator("ol.reasons li").first).to_be_visible()
