"""Reports and the portal's follow-up visits."""

from upstander.web.portal.models.reports import (
    ACKNOWLEDGE_WITHIN,
    FEEDBACK_WITHIN_MONTHS,
    IdentityReveal,
    Report,
    ReportAttachment,
    ReportMessage,
    ReportSubject,
    add_months,
)
from upstander.web.portal.models.visits import PortalVisit

__all__ = ["ACKNOWLEDGE_WITHIN", "FEEDBACK_WITHIN_MONTHS", "IdentityReveal", "PortalVisit", "Report",
           "ReportAttachment", "ReportMessage", "ReportSubject", "add_months"]
