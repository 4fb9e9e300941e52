"""Confidential reporting: the portal the public, partners and staff use without signing in, and the unit's side
of reports (triage, two-way messages, attachments and identity reveals)."""
