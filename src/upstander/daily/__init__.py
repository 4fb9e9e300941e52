"""The daily job, `upstander run DIR`: every step a force runs each day, in order, as one idempotent command."""
