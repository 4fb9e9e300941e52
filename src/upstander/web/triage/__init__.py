"""Alert triage: alerts from detection: the queue, the alert with its evidence, assignment and disposition."""
