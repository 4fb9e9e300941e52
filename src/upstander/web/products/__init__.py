"""Products and oversight: what the unit reports upwards: the oversight dashboard and its obligations."""
