"""Plain typed function views, one module per area."""
