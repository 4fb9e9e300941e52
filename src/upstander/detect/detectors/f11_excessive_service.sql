-- id = "excessive_service"
-- title = "Far more contact and visits than a low-priority matter needs"
-- red_flags = [11]
-- seed_case = "APSP case studies 2, 4 and 8; seed 002 red flags ('knight in shining armour', 'unexpected visits')"
-- category = "sexual_misconduct"
-- weight = 2.5
-- lookback_days = 90
-- key = ["subject_staff_id", "person_ids"]
-- reading = """One alert per member of staff and person. The person was in a low-priority incident (priority 3
-- or 4) the member of staff worked; the evidence is every call or message with them and every undeployed stop
-- near their home in the sixty days after, including contact while the job was still open. A scheduled job
-- needs a visit and a call or two, in working hours; APSP case study 4's dispatcher held a low-priority log over for himself and
-- called again and again, APSP case study 8's PCSO made 'numerous visits'."""
-- [parameters.min_contacts]
-- value = 6
-- why = "A low-priority job rarely needs more than a visit and a couple of calls; six contacts and visits is three times that."
-- [parameters.min_unusual]
-- value = 2
-- why = "Of those, at least two undeployed visits to the home or contacts off duty or in the evening: neighbourhood officers' daytime calls to residents are the job."
-- [parameters.days]
-- value = 60
-- why = "Two months covers the escalation in APSP case studies 2 and 8 ('for the next few weeks')."
WITH low AS (
    -- Took, dispatched or attended a low-priority job: an investigation the member of staff owns is a
    -- purpose of its own, however the incident was first graded.
    SELECT DISTINCT s.staff_id, ip.person_id, s.started_at
    FROM incident_staff s
    JOIN incidents i ON i.incident_id = s.incident_id AND i.priority >= 3
    JOIN incident_people ip ON ip.incident_id = s.incident_id
    WHERE s.started_at >= :since AND s.involvement IN ('call_taker', 'dispatcher', 'attending')
      AND NOT EXISTS (SELECT 1 FROM incident_staff o JOIN incident_people op ON op.incident_id = o.incident_id
                      WHERE o.staff_id = s.staff_id AND op.person_id = ip.person_id
                        AND o.involvement IN ('owner', 'investigator') AND o.incident_id <> s.incident_id)
),
first_low AS (SELECT staff_id, person_id, min(started_at) AS met FROM low GROUP BY staff_id, person_id),
contacts AS (
    SELECT f.staff_id, f.person_id, pc.occurred_at, 'communications:' || pc.comm_id AS ref,
           CASE WHEN NOT pc.on_duty OR pc.local_hour >= 21 OR pc.local_hour < 7 THEN 1 ELSE 0 END AS unusual
    FROM first_low f
    JOIN public_comms pc ON pc.staff_id = f.staff_id AND pc.person_id = f.person_id
         AND pc.occurred_at > f.met AND pc.occurred_at <= f.met + INTERVAL (:days) DAY
    UNION ALL
    SELECT f.staff_id, f.person_id, s.started, 'positions:' || s.device_id || '@' || CAST(s.started AS VARCHAR),
           1 AS unusual
    FROM first_low f
    JOIN stays_near_met s ON s.staff_id = f.staff_id AND s.person_id = f.person_id
         AND s.started > f.met AND s.started <= f.met + INTERVAL (:days) DAY
),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY staff_id, person_id ORDER BY occurred_at, ref) AS n FROM contacts
)
SELECT staff_id AS subject_staff_id,
       [person_id] AS person_ids,
       min(occurred_at) AS window_start,
       max(occurred_at) AS window_end,
       max(CASE WHEN n = :min_contacts THEN occurred_at END) AS alerted_at,
       round(count(*) / 2.0, 3) AS score,
       list_sort(list(ref)) AS evidence,
       count(*) || ' contacts and visits in ' || :days || ' days after a low-priority job' AS summary
FROM numbered
GROUP BY staff_id, person_id
HAVING count(*) >= :min_contacts AND sum(unusual) >= :min_unusual
