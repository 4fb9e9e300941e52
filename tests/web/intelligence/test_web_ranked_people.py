"""The ranked-people page, the person view's reasons and the oversight dashboard's fairness audit, with a learned
ranking fitted on ten years of a synthetic force's complaints, and with none (the points matrix, said plainly)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rankedworld import RankedWorld, build, fitted_home

from upstander.web.models import AccessLog, StaffMember
from upstander.web.sealing import init_keys
from webworld import World, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fitted_home(tmp_path_factory.mktemp("ranked"))


@pytest.fixture
def rw(fitted: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: None) -> RankedWorld:
    home = tmp_path / "home"
    shutil.copytree(fitted, home)
    monkeypatch.setenv("UPSTANDER_HOME", str(home))
    init_keys()
    return build(home)


def _listed(html: str) -> list[str]:
    """The staff ids the page links to, in the order shown."""
    return re.findall(r'href="/staff/([^/"]+)/"', html)


def test_the_analyst_sees_people_in_the_ranking_s_order_with_reasons_in_words(rw: RankedWorld) -> None:
    page = signed_in(rw.analyst).get("/people/?show=50")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Learned ranking v0001" in html
    assert _listed(html)[:10] == rw.top[:10]
    assert re.search(r"\d+ complaints? .* in the last (3|6|12|24) months|in the last 5 years", html)
    assert "%" in html and "<meter" in html
    # Words, never the feature codes the model uses.
    assert "complaints_12m" not in html and "_vs_role" not in html
    assert AccessLog.objects.filter(user=rw.analyst, object_type="ranked_people").exists()


def test_the_subject_never_sees_themselves_and_the_housemate_never_sees_them(rw: RankedWorld) -> None:
    assert _listed(signed_in(rw.analyst).get("/people/").content.decode())[0] == rw.subject.staff_id
    for user in (rw.subject, rw.housemate):
        html = signed_in(user).get("/people/?show=250").content.decode()
        assert rw.subject.staff_id not in _listed(html), user.username
        assert rw.subject.staff_id not in html, user.username
        # Everyone else keeps their place: the subject is left out, not the ranking changed.
        assert _listed(html)[:5] == [s for s in rw.top if s != rw.subject.staff_id][:5]


@pytest.mark.parametrize("who", ["investigator", "outsider", "authority"])
def test_roles_that_do_not_work_alerts_are_refused_as_not_found(rw: RankedWorld, who: str) -> None:
    response = signed_in(getattr(rw, who)).get("/people/")
    assert response.status_code == 404
    assert AccessLog.objects.filter(user=getattr(rw, who), action="refuse", object_type="ranked people").exists()


def test_the_team_filter_keeps_only_that_team_in_the_same_order(rw: RankedWorld) -> None:
    team = StaffMember.objects.get(staff_id=rw.top[0]).team_id
    html = signed_in(rw.analyst).get(f"/people/?team={team}&show=250").content.decode()
    shown = _listed(html)
    members = set(StaffMember.objects.filter(team_id=team).values_list("staff_id", flat=True))
    assert shown and set(shown) <= members
    assert shown == [s for s in rw.top if s in members][:250]


@pytest.mark.parametrize("query, words", [
    ("red_flag=14", "Red flag"), ("red_flag=abc", "Red flag"), ("show=0", "Show"), ("show=99999", "Show"),
    ("team=NO-SUCH-TEAM", "Team"),
])
def test_a_bad_filter_is_a_400_naming_the_field(rw: RankedWorld, query: str, words: str) -> None:
    response = signed_in(rw.analyst).get(f"/people/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'role="alert">{words}:', html)
    assert _listed(html) == []


def test_the_person_view_shows_their_place_and_top_reasons(rw: RankedWorld) -> None:
    html = signed_in(rw.analyst).get(f"/staff/{rw.top[0]}/").content.decode()
    assert "Where they stand" in html
    assert f"Number 1 of {len(rw.top)} on the learned ranking" in html
    reasons = re.search(r'<ol class="reasons">(.*?)</ol>', html, re.S)
    assert reasons and 1 <= reasons.group(1).count("<li>") <= 5


def test_the_oversight_dashboard_audits_fairness_in_numbers_naming_nobody(rw: RankedWorld) -> None:
    html = signed_in(rw.authority).get("/oversight/").content.decode()
    assert "Fairness of the ranking" in html
    for caption in ("Sex", "Ethnicity", "Age band"):
        assert f"<caption>{caption}</caption>" in html
    assert "times the force-wide rate" in html
    assert not any(staff_id in html for staff_id in rw.top)


def test_with_no_learned_ranking_the_points_matrix_ranks_and_says_so(world: World) -> None:
    html = signed_in(world.analyst).get("/people/").content.decode()
    assert "Points matrix: no learned ranking has been fitted" in html
    assert world.alert.subject_staff_id in _listed(html)
    for user in (world.subject, world.manager, world.housemate, world.supervisor):
        assert world.subject.staff_id not in _listed(signed_in(user).get("/people/?show=250").content.decode())
