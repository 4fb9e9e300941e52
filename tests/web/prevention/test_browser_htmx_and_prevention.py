"""In a real browser: htmx filtering in place, contact review loaded into the person view, a declaration made
and decided, and the oversight dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser import shot, sign_in
from upstander.web.models import User
from upstander.web.prevention.models import Declaration
from upstander.web.roles import Role
from webworld import PASSWORD, World, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("nothing_blocked")]



def test_changing_a_filter_swaps_the_results_without_leaving_the_page(world: World, live_server: object,
                                                                      page: object) -> None:
    base = str(live_server)
    sign_in(page, base, "analyst", PASSWORD)
    page.get_by_role("heading", name="Alerts").wait_for()
    page.evaluate("window.__samePage = true")  # lost if the browser navigated to a new page
    with page.expect_response(lambda r: "/alerts/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Team").fill(world.alert.subject_team_id)
        page.get_by_label("Team").press("Enter")
    # The answer has arrived; wait for htmx to swap it in and push the address (after the swap), not for a clock.
    team = world.alert.subject_team_id
    expect(page).to_have_url(re.compile(rf"[?&]team={re.escape(team)}(&|$)"))  # so back and bookmarks work
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_contain_text(team)
    expect(rows.filter(has_not_text=team)).to_have_count(0)  # every row is the team's: the old results have gone
    assert page.evaluate("window.__samePage") is True


@pytest.mark.screenshots
def test_contact_review_loads_into_the_person_view(world: World, live_server: object, page: object) -> None:
    base = str(live_server)
    sign_in(page, base, "analyst", PASSWORD)
    page.goto(f"{base}/staff/{world.alert.subject_staff_id}/")
    page.evaluate("window.__samePage = true")
    page.get_by_role("link", name="Run contact review").click()
    page.get_by_role("heading", name="Contact review").wait_for()
    assert page.evaluate("window.__samePage") is True and "/contacts/" not in page.url
    assert page.get_by_role("heading", name="Risk matrix").is_visible()  # still the person view
    shot(page, "06-person-view-with-contact-review")


@pytest.mark.screenshots
def test_a_member_of_staff_declares_and_the_vetting_officer_decides(world: World, live_server: object,
                                                                    page: object) -> None:
    base = str(live_server)
    sign_in(page, base, "outsider", PASSWORD)
    page.get_by_role("link", name="My declarations").click()
    page.get_by_label("What you are declaring").select_option(label="Secondary employment")
    page.get_by_label("Details: who or what, since when, and how it touches your work").fill(
        "Weekend door supervisor at a town-centre nightclub, since June; I police the same area on weekdays.")
    page.get_by_role("button", name="Declare").click()
    page.get_by_role("cell", name="Awaiting a decision").wait_for()
    reference = Declaration.objects.get(staff_id=world.outsider.staff_id).reference
    page.get_by_role("button", name="Sign out").click()

    make_user("vetting", Role.VETTING_OFFICER, "")
    sign_in(page, base, "vetting", PASSWORD)
    page.get_by_role("link", name="Vetting").click()
    shot(page, "07-vetting-dashboard")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("radio", name="Declined").check()
    page.get_by_label("Reason (the member of staff reads it)").fill(
        "Licensed premises in the officer's own policing area: a conflict with their duties.")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("heading", name="Declined interests and associations").wait_for()
    expect(page.locator("table").nth(1)).to_contain_text(reference)
    assert Declaration.objects.get(reference=reference).decided_by == User.objects.get(username="vetting")


@pytest.mark.screenshots
def test_the_oversight_dashboard(world: World, live_server: object, page: object) -> None:
    from upstander.web.cases.opening import open_case_from_alert

    case = open_case_from_alert(world.alert, world.analyst)
    authority = make_user("authority", Role.APPROPRIATE_AUTHORITY, world.outsider.staff_id)
    case.assigned.add(authority)
    base = str(live_server)
    sign_in(page, base, "authority", PASSWORD)
    page.get_by_role("link", name="Oversight").click()
    page.get_by_role("heading", name="Your cases waiting on a decision").wait_for()
    expect(page.locator("body")).to_contain_text(case.reference)
    shot(page, "08-oversight")


def test_the_policy_is_enforced_and_the_watch_sees_what_it_blocks(world: World, live_server: object, page: object,
                                                                  nothing_blocked: list[str]) -> None:
    """The check above is not vacuous: a script injected into a page (as an attacker would) is refused, and seen."""
    sign_in(page, str(live_server), "analyst", PASSWORD)
    page.get_by_role("heading", name="Alerts").wait_for()  # type: ignore[attr-defined]
    page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.__injected = true"; document.body.appendChild(s); }""")  # type: ignore[attr-defined]
    page.wait_for_function("() => window.__cspViolations > 0")  # type: ignore[attr-defined]
    assert page.evaluate("window.__injected === undefined")  # type: ignore[attr-defined]
    assert any("script-src" in s for s in nothing_blocked), nothing_blocked
    nothing_blocked.clear()
