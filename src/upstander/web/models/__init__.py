"""The web application's tables, one module per domain."""

from upstander.web.models.access_log import AccessLog, RetentionAnchor
from upstander.web.models.accounts import User
from upstander.web.models.alerts import Alert, Disposition
from upstander.web.models.cases import Case, EngagementEntry
from upstander.web.models.declarations import Declaration
from upstander.web.models.directory import StaffMember, Team
from upstander.web.models.intelligence import DevelopmentAction, IntelligenceRecord, IntelligenceSubject
from upstander.web.models.portal import PortalVisit
from upstander.web.models.reports import IdentityReveal, Report, ReportAttachment, ReportMessage, ReportSubject

__all__ = ["AccessLog", "Alert", "Case", "Declaration", "DevelopmentAction", "Disposition", "EngagementEntry",
           "IdentityReveal", "IntelligenceRecord", "IntelligenceSubject", "PortalVisit", "Report",
           "ReportAttachment", "ReportMessage", "ReportSubject", "RetentionAnchor", "StaffMember", "Team", "User"]
