"""The web application (Django): alert triage first; intelligence, the person view and cases follow.

Settings live in `upstander.web.settings`, which reads Upstander's own settings table; `upstander serve` runs
it over UPSTANDER_HOME with SQLite, or PostgreSQL when UPSTANDER_DATABASE_URL is set.
"""
