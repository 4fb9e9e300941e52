"""In a real browser: from an alert to a case, need-to-know refusals, and the case lifecycle."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser import shot, sign_in
from upstander.web.cases.models import Case
from webworld import PASSWORD, World

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("nothing_blocked")]



@pytest.mark.screenshots
def test_triage_from_the_queue_to_a_case(world: World, live_server: object, page: object) -> None:
    base = str(live_server)
    sign_in(page, base, "analyst", PASSWORD)
    page.get_by_role("heading", name="Alerts").wait_for()
    shot(page, "01-alert-queue")
    page.locator(f'a[href="/alerts/{world.alert.pk}/"]').first.click()
    page.get_by_role("heading", name="Evidence").wait_for()
    expect(page.locator("body")).to_contain_text(world.alert.subject_staff_id)
    shot(page, "02-alert-evidence")
    page.get_by_role("button", name="Assign to me").click()
    page.get_by_role("radio", name="Open a case").check()
    page.get_by_label("Reason (for a false positive, say why the data misled)").fill(
        "Repeated contact with a vulnerable victim after the policing purpose ended.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_role("heading", name="Decisions").wait_for()
    case = Case.objects.get(source_alert=world.alert)
    expect(page.locator("body")).to_contain_text(case.reference)
    shot(page, "03-case")


def test_a_decision_without_a_reason_is_refused_in_the_browser_and_nothing_is_lost(
        world: World, live_server: object, page: object) -> None:
    sign_in(page, str(live_server), "analyst", PASSWORD)
    page.goto(f"{live_server}/alerts/{world.alert.pk}/")
    page.get_by_role("radio", name="False positive").check()
    reason = page.get_by_label("Reason (for a false positive, say why the data misled)")
    reason.fill("short")
    # The browser's own check (minlength) stops it first; remove it to test the server's refusal too.
    reason.evaluate("el => el.removeAttribute('minlength')")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Give the reason for this decision")).to_be_visible()
    expect(page.get_by_role("radio", name="False positive")).to_be_checked()


@pytest.mark.screenshots
@pytest.mark.parametrize("who", ["subject", "manager"])
def test_the_subject_and_their_manager_cannot_reach_the_alert_or_the_case(
        world: World, live_server: object, page: object, who: str) -> None:
    base = str(live_server)
    from upstander.web.cases.opening import open_case_from_alert

    case = open_case_from_alert(world.alert, world.analyst)
    sign_in(page, base, who, PASSWORD)
    for path in (f"/alerts/{world.alert.pk}/", f"/cases/{case.pk}/", f"/staff/{world.alert.subject_staff_id}/"):
        response = page.goto(base + path)
        assert response.status == 404, path
        assert case.reference not in page.content() and world.alert.summary not in page.content()
    if who == "subject":
        shot(page, "05-subject-refused")


@pytest.mark.screenshots
def test_the_case_lifecycle_in_the_browser(world: World, live_server: object, page: object) -> None:
    from upstander.web.cases.opening import open_case_from_alert

    case = open_case_from_alert(world.alert, world.analyst)
    sign_in(page, str(live_server), "analyst", PASSWORD)
    page.goto(f"{live_server}/cases/{case.pk}/")
    page.get_by_role("button", name="To investigation").click()
    expect(page.get_by_text("Record the IOPC referral decision first.")).to_be_visible()
    page.get_by_label("Abuse of position for a sexual purpose").check()
    page.get_by_label("IOPC referral decision").select_option("refer")
    page.get_by_label("Date of the decision").fill("2026-03-01")
    page.get_by_label("Reason for the decision").fill("Every abuse of position for a sexual purpose is referred.")
    page.get_by_label("Mode of investigation").select_option("independent")
    page.get_by_role("button", name="Save decisions").click()
    page.get_by_role("button", name="To investigation").click()
    page.get_by_text("Report owed").wait_for()
    page.get_by_label("Authority, respect and courtesy").check()
    page.get_by_label("Severity").select_option("gross_misconduct")
    page.get_by_label("Proceedings").select_option("meeting")
    page.get_by_role("button", name="Save decisions").click()
    page.get_by_role("button", name="To misconduct proceedings").click()
    expect(page.get_by_text("Gross misconduct goes to a hearing, not a meeting.")).to_be_visible()
    page.get_by_label("Proceedings").select_option("hearing")
    page.get_by_role("button", name="Save decisions").click()
    page.get_by_role("button", name="To misconduct proceedings").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.stage == Case.Stage.PROCEEDINGS
    shot(page, "04-case-proceedings")
