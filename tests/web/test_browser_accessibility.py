"""axe-core (WCAG 2.2 A and AA) on the main pages the unit works in, as the analyst and the others see them."""

from __future__ import annotations

import pytest

from axe import assert_accessible
from browser import sign_in
from upstander.web.cases.opening import open_case_from_alert
from upstander.web.prevention.models import Declaration
from upstander.web.roles import Role
from webworld import PASSWORD, World, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_analyst_s_pages_have_no_wcag_violations(world: World, live_server: object, page: object) -> None:
    base = str(live_server)
    case = open_case_from_alert(world.alert, world.analyst)
    sign_in(page, base, "analyst", PASSWORD)
    for path in ("/alerts/", f"/alerts/?red_flag={world.alert.red_flags[0]}&status=all", f"/alerts/{world.alert.pk}/",
                 "/alerts/stats/", f"/staff/{world.alert.subject_staff_id}/",
                 f"/staff/{world.alert.subject_staff_id}/contacts/", "/intelligence/", "/intelligence/new/",
                 "/cases/", f"/cases/{case.pk}/", "/reports/", "/declarations/"):
        page.goto(base + path)
        assert_accessible(page, path)


def test_sign_in_vetting_and_oversight_pages_have_no_wcag_violations(world: World, live_server: object,
                                                                     page: object) -> None:
    base = str(live_server)
    page.goto(f"{base}/login/")
    assert_accessible(page, "sign-in")
    Declaration.objects.create(reference="DEC-A11Y-1", staff_id=world.outsider.staff_id, kind="gift_hospitality",
                               detail="Two match tickets offered by a local garage owner; declined and reported.",
                               declared_by=world.outsider)
    make_user("vetting", Role.VETTING_OFFICER, "")
    sign_in(page, base, "vetting", PASSWORD)
    page.goto(f"{base}/vetting/")
    assert_accessible(page, "vetting dashboard")
    page.get_by_role("link", name="DEC-A11Y-1").click()
    assert_accessible(page, "declaration")
    page.get_by_role("button", name="Sign out").click()
    make_user("authority", Role.APPROPRIATE_AUTHORITY, world.outsider.staff_id)
    sign_in(page, base, "authority", PASSWORD)
    page.goto(f"{base}/oversight/")
    assert_accessible(page, "oversight")
