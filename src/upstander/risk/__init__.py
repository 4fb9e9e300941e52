"""The risk layer: a per-person risk matrix from alerts, complaints, intelligence and amplifiers; watchlists with
scheduled audits of system use; and the contact review an investigator runs the day an allegation arrives."""

from upstander.risk.contact_review import ContactRow, UnknownStaff, contact_review
from upstander.risk.matrix import RiskPoint, RiskRow, offending_style, risk_matrix
from upstander.risk.watchlist import AuditResult, WatchEntry, WatchlistError

__all__ = ["AuditResult", "ContactRow", "RiskPoint", "RiskRow", "UnknownStaff", "WatchEntry", "WatchlistError",
           "contact_review", "offending_style", "risk_matrix"]
