"""Intelligence: intelligence records, their development, and the person view that joins up everything known
about a member of staff."""
