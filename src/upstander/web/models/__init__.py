"""The web application's tables, one module per domain."""

from upstander.web.models.access_log import AccessLog
from upstander.web.models.accounts import User
from upstander.web.models.alerts import Alert, Disposition
from upstander.web.models.directory import StaffMember

__all__ = ["AccessLog", "Alert", "Disposition", "StaffMember", "User"]
