"""Intelligence records and the person view."""
