-- Each involvement through which a member of staff met a person, with when they met (whichever of the two was
-- recorded on the incident later) and until when that involvement's policing purpose lasted (as in `met`).
-- Detectors ask "was there a purpose at this moment?" of these spans, not of `met`'s overall first and last:
-- a later incident with the same person must not explain contact that came before it.
SELECT s.staff_id,
       ip.person_id,
       s.incident_id,
       greatest(s.started_at, ip.recorded_at) AS met_at,
       CASE WHEN s.involvement IN ('owner', 'investigator')
            THEN coalesce(s.ended_at, i.closed_at, TIMESTAMP '2999-12-31 00:00:00+00') + INTERVAL 7 DAY
            ELSE s.started_at + INTERVAL 2 DAY END AS purpose_until
FROM incident_staff s
JOIN incident_people ip ON ip.incident_id = s.incident_id
JOIN incidents i ON i.incident_id = s.incident_id
