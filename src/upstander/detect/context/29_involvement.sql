-- Owners and investigators need the records until a month after the case closes; those who took the
-- call, dispatched or attended, for three days after their part ended.
SELECT s.staff_id, s.incident_id, s.started_at - INTERVAL 1 DAY AS valid_from,
       CASE WHEN s.involvement IN ('owner', 'investigator', 'supervisor')
            THEN coalesce(s.ended_at, TIMESTAMP '2999-12-31 00:00:00+00') + INTERVAL 30 DAY
            ELSE coalesce(s.ended_at, s.started_at) + INTERVAL 3 DAY END AS valid_to
FROM incident_staff s
