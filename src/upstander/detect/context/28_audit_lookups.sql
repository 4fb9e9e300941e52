-- Look-ups worth explaining: of a person, an incident or a custody record, and searches with no record.
SELECT audit_id, staff_id, occurred_at, system, action, object_type, object_id, search_terms
FROM audit
WHERE occurred_at >= :since
  AND (object_type IN ('person', 'incident', 'custody') OR (action = 'search' AND object_id IS NULL))
