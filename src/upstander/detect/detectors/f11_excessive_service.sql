-- id = "excessive_service"
-- title = "Far more contact and visits than a low-priority matter needs"
-- red_flags = [11]
-- seed_case = "APSP case studies 2, 4 and 8; seed 002 red flags ('knight in shining armour', 'unexpected visits')"
-- category = "sexual_misconduct"
-- weight = 2.5
-- lookback_days = 120
-- lookahead_days = 1
-- key = ["subject_staff_id", "person_ids"]
-- feeds = ["incidents", "incident_staff", "incident_people", "people", "staff"]
-- alert = "One alert per member of staff and person from a low-priority job: each day on which the contacts and visits in the sixty days after such a job reached the threshold adds to it."
-- reading = """One alert per member of staff and person. The person was in a low-priority incident (priority 3
-- or 4) the member of staff worked; the evidence is every call or message with them and every undeployed stop
-- near their home in the sixty days after, including contact while the job was still open. A scheduled job
-- needs a visit and a call or two, in working hours. Contact while the member of staff owned or investigated
-- another incident with the person does not count: that is a purpose of its own. A visit may run past
-- midnight (a day's look-ahead); APSP case study 4's dispatcher held a low-priority log over for himself and
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
    -- Took, dispatched or attended a low-priority job.
    SELECT DISTINCT s.staff_id, ip.person_id, s.incident_id, greatest(s.started_at, ip.recorded_at) AS met
    FROM incident_staff s
    JOIN incidents i ON i.incident_id = s.incident_id AND i.priority >= 3
    JOIN incident_people ip ON ip.incident_id = s.incident_id
    WHERE s.started_at >= :since AND s.involvement IN ('call_taker', 'dispatcher', 'attending')
),
touches AS (
    SELECT pc.staff_id, pc.person_id, pc.occurred_at, 'communications:' || pc.comm_id AS ref,
           CASE WHEN NOT pc.on_duty OR pc.local_hour >= 21 OR pc.local_hour < 7 THEN 1 ELSE 0 END AS unusual
    FROM public_comms pc
    WHERE pc.occurred_at >= :since AND pc.staff_id IN (SELECT staff_id FROM low)
    UNION ALL
    SELECT s.staff_id, s.person_id, s.started, 'positions:' || s.device_id || '@' || CAST(s.started AS VARCHAR), 1
    FROM stays_near_met s
    WHERE s.started >= :since AND s.staff_id IN (SELECT staff_id FROM low)
),
-- Contacts and visits in the sixty days after a low-priority job with the person, unless at that moment the
-- member of staff owned or investigated another incident with them (an investigation is a purpose of its own).
contacts AS (
    SELECT DISTINCT t.staff_id, t.person_id, t.occurred_at, epoch(t.occurred_at) AS at_s, t.ref, t.unusual
    FROM touches t
    JOIN low l ON l.staff_id = t.staff_id AND l.person_id = t.person_id
              AND t.occurred_at > l.met AND t.occurred_at <= l.met + INTERVAL (:days) DAY
    WHERE NOT EXISTS (SELECT 1 FROM incident_staff o JOIN incident_people op ON op.incident_id = o.incident_id
                      WHERE o.staff_id = t.staff_id AND op.person_id = t.person_id
                        AND o.involvement IN ('owner', 'investigator') AND o.incident_id <> l.incident_id
                        AND o.started_at <= t.occurred_at)
),
running AS (
    SELECT *, count(*) OVER w AS in_window, sum(unusual) OVER w AS unusual_in_window
    FROM contacts
    WINDOW w AS (PARTITION BY staff_id, person_id ORDER BY at_s
                 RANGE BETWEEN :days * 86400 PRECEDING AND CURRENT ROW)
),
days AS (
    SELECT staff_id, person_id, CAST(occurred_at AS DATE) AS day, min(occurred_at) AS alerted_at,
           min(at_s) AS first_t, max(at_s) AS last_t
    FROM running WHERE in_window >= :min_contacts AND unusual_in_window >= :min_unusual
    GROUP BY staff_id, person_id, CAST(occurred_at AS DATE)
)
SELECT d.staff_id AS subject_staff_id,
       [d.person_id] AS person_ids,
       min(c.occurred_at) AS window_start,
       max(c.occurred_at) AS window_end,
       d.alerted_at,
       round(count(*) / 2.0, 3) AS score,
       list_sort(list(c.ref)) AS evidence,
       count(*) || ' contacts and visits in ' || :days || ' days after a low-priority job' AS summary
FROM days d
JOIN contacts c ON c.staff_id = d.staff_id AND c.person_id = d.person_id
               AND c.at_s BETWEEN d.first_t - :days * 86400 AND d.last_t
GROUP BY d.staff_id, d.person_id, d.day, d.alerted_at
