-- Look-ups of people and custody records made while on custody duty, with the suite of that duty;
-- materialised for the same reason as incident_lookups: the join stays between two tables.
SELECT a.audit_id, a.object_type, a.object_id, a.occurred_at, d.area AS suite
FROM audit_lookups a
JOIN duties d ON d.staff_id = a.staff_id AND d.duty_type = 'custody'
WHERE a.object_type IN ('person', 'custody') AND a.occurred_at >= d.starts_at AND a.occurred_at < d.ends_at
