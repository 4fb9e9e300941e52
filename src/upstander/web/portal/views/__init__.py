"""The reporter's pages (no sign-in) and the unit's pages about reports."""
