-- People each member of staff met through duty, and until when the policing purpose lasted.
-- An owner or investigator has a purpose until the case closes plus a week for closing contact; anyone else
-- for two days after their involvement began (call-backs, statements). Met is when both the member of staff
-- and the person were on the incident's record: whichever was recorded later.
SELECT s.staff_id,
       ip.person_id,
       min(greatest(s.started_at, ip.recorded_at)) AS first_met,
       max(CASE WHEN s.involvement IN ('owner', 'investigator')
                THEN coalesce(s.ended_at, i.closed_at, TIMESTAMP '2999-12-31 00:00:00+00') + INTERVAL 7 DAY
                ELSE s.started_at + INTERVAL 2 DAY END) AS purpose_until,
       min(i.priority) AS priority,
       list_sort(list(DISTINCT s.incident_id)) AS incidents
FROM incident_staff s
JOIN incident_people ip ON ip.incident_id = s.incident_id
JOIN incidents i ON i.incident_id = s.incident_id
GROUP BY s.staff_id, ip.person_id
