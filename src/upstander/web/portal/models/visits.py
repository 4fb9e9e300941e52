"""The reporting portal's own way back into a report, apart from any staff sign-in.

A signed-in member of staff may make an anonymous report from the same browser; if the follow-up lived in the
Django session, one `django_session` row would hold their user id and the report id together, readable without
any key. So a follow-up is a row of its own, found by the SHA-256 of a random value only the reporter's browser
holds (the `upstander_portal` cookie), holding the report and when it lapses: no user, no session, no address.
"""

from __future__ import annotations

from django.db import models

from upstander.web.portal.models.reports import Report


class PortalVisit(models.Model):
    key_hash = models.CharField(max_length=64, unique=True)  # SHA-256 (hex) of the cookie value
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "web_portalvisit"  # the table it had before the web application was split by domain
