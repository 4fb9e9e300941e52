"""The database alone, without the keys, reveals no reporter identity, contact detail or report text."""

from __future__ import annotations

import pytest
from django.test import Client

from portal import ACCOUNT, NAMED, PARTNER, database_text, receipt_code, submit
from upstander.web import sealing
from upstander.web.portal import guard as portal_guard
from upstander.web.portal.models import Report, ReportMessage
from upstander.web.portal.reporting.intake import find_by_code

pytestmark = pytest.mark.django_db

SECRETS = [ACCOUNT, "kept texting me late at night", "Jordan Example", "07700 900123", "jordan@example.org",
           "weekdays 10am to 2pm", "Sam Worker", "Riverside Domestic Abuse Service", "tall, grey beard",
           "my flat on the estate", "He messaged again from a new number"]


def test_a_copy_of_the_database_shows_no_identity_contact_or_text_and_cannot_be_read_without_the_keys(
        monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    portal_guard._limits.clear()
    client = Client()
    code = receipt_code(submit(client, "partner", **NAMED))
    report = Report.objects.get()
    ReportMessage.objects.create(report=report, sender="reporter", body="He messaged again from a new number.")
    assert report.reporter_name == "Jordan Example"  # with the keys, the application reads it

    text = database_text()
    for secret in [*SECRETS, PARTNER["partner_worker"], code, code.replace("-", " ")]:
        assert secret not in text, f"{secret!r} is readable in the database"
    assert report.reference in text  # the clear columns are there: the search looked in the right place

    # Without the key directory (the database copied to another machine), nothing opens.
    monkeypatch.setenv("UPSTANDER_KEY_DIR", str(tmp_path))
    sealing.reset_cache()
    try:
        with pytest.raises(sealing.KeyUnavailable):
            Report.objects.get(pk=report.pk)
        # ...and the receipt code cannot be checked: its hash needs the pepper kept with the keys.
        with pytest.raises(sealing.KeyUnavailable):
            find_by_code(code)
    finally:
        monkeypatch.undo()
        sealing.reset_cache()
    assert Report.objects.get(pk=report.pk).reporter_name == "Jordan Example"
