-- Look-ups of incidents with the incident's area and opening time, materialised on their own so that the
-- area explanation joins two tables only (left to itself the planner may pair duties with incidents by area
-- first: every duty with every incident in its area, tens of gigabytes at a year's scale).
SELECT a.audit_id, a.staff_id, a.occurred_at, i.area, i.opened_at
FROM audit_lookups a JOIN incidents i ON i.incident_id = a.object_id
WHERE a.object_type = 'incident'
