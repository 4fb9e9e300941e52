"""The tables every domain shares: accounts, the access log and the staff directory. Each domain app
(portal, triage, cases, intelligence, prevention) keeps its own tables in its own `models`."""

from upstander.web.models.access_log import AccessLog, RetentionAnchor
from upstander.web.models.accounts import User
from upstander.web.models.directory import StaffMember, Team

__all__ = ["AccessLog", "RetentionAnchor", "StaffMember", "Team", "User"]
