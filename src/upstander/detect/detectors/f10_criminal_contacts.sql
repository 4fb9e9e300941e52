-- id = "contact_with_criminals"
-- title = "Work-device contact with organised-crime nominals or suspects, with no policing purpose"
-- red_flags = [10]
-- seed_case = "corruption case studies 1, 4 and 7; APSP case study 7"
-- category = "inappropriate_association"
-- weight = 3.0
-- lookback_days = 90
-- lookahead_days = 1
-- key = ["subject_staff_id", "person_ids"]
-- feeds = ["communications", "people", "incidents", "incident_people", "duties", "staff"]
-- alert = "One alert per member of staff and person known for criminality: each day of contact with an organised-crime nominal, or of a second contact with a suspect within thirty days, adds to it."
-- reading = """One alert per member of staff and person. The person is a watched organised-crime nominal, a
-- former detainee, or a suspect in force records contacted off duty, and the evidence is calls and messages
-- with them at times nothing in the data explains (`explained_contacts`): no relationship through duty then
-- (an incident they were assigned to, a detention they met the person in), no case their team holds that the
-- person is in, not a shared work line, and not, on duty, a resident of the area they were working who was in
-- an incident there. A suspect counts from the time they were recorded as one, a detainee from booking in;
-- contact with a former detainee counts on duty as well (APSP case study 7: contact begun in custody went on
-- after release). An undeclared association; in corruption case study 7 the calls came on the day warrants
-- were executed. An involvement explains contact from a day before it began (the call that led to the job), so
-- findings look a day ahead."""
-- [parameters.min_contacts_suspect]
-- value = 2
-- why = "A suspect may ring an officer once by mistake or for a legitimate reason; twice with no purpose is an association."
-- [parameters.window_days]
-- value = 30
-- why = "Two contacts with a suspect count together within a month; the area check looks sixty days further back, so the look-back is ninety days."
WITH criminal AS (
    SELECT person_id, 'organised-crime nominal' AS why, TIMESTAMPTZ '1900-01-01 00:00:00+00' AS known_from
    FROM person_risk WHERE watch_reason = 'ocg_nominal'
    UNION ALL
    SELECT person_id, 'former detainee' AS why, min(booked_in) AS known_from FROM custody GROUP BY person_id
    UNION ALL
    SELECT person_id, CASE WHEN role = 'detainee' THEN 'former detainee' ELSE 'suspect in force records' END AS why,
           min(recorded_at) AS known_from
    FROM incident_people
    WHERE role IN ('suspect', 'detainee')
    GROUP BY person_id, role
),
area_people AS (
    -- People in incidents in each policing area over time: neighbourhood officers keep in touch with
    -- residents who report local problems, whatever else those residents appear in.
    SELECT ip.person_id || '|' || i.area AS person_area, greatest(i.opened_at, ip.recorded_at) AS opened_at
    FROM incident_people ip JOIN incidents i ON i.incident_id = ip.incident_id
),
candidates AS (
    -- The strongest reason the person counts at that moment: a nominal, then a former detainee, then a suspect.
    SELECT pc.comm_id, pc.staff_id, pc.person_id, pc.occurred_at, pc.on_duty,
           CASE min(CASE cr.why WHEN 'organised-crime nominal' THEN 1 WHEN 'former detainee' THEN 2 ELSE 3 END)
                WHEN 1 THEN 'organised-crime nominal' WHEN 2 THEN 'former detainee'
                ELSE 'suspect in force records' END AS why
    FROM explained_contacts pc
    JOIN criminal cr ON cr.person_id = pc.person_id AND cr.known_from <= pc.occurred_at
    WHERE pc.occurred_at >= :since AND pc.explanation IS NULL
      -- A suspect counts only off duty: on duty, officers ring suspects and witnesses for many reasons. A former
      -- detainee counts on duty too: the detention is over and no purpose covers the contact.
      AND (cr.why IN ('organised-crime nominal', 'former detainee') OR NOT pc.on_duty)
    GROUP BY pc.comm_id, pc.staff_id, pc.person_id, pc.occurred_at, pc.on_duty
),
-- On duty in an area where the person was in an incident in the previous 60 days: a resident they police.
-- Each on-duty contact is paired with its duty first and carries person and area as one key; joined any
-- other way the planner pairs every duty, or every contact, with every incident in the area (minutes).
contact_duty AS (
    SELECT c.comm_id, c.occurred_at, c.person_id || '|' || d.area AS person_area
    FROM candidates c
    JOIN duties d ON d.staff_id = c.staff_id AND c.occurred_at >= d.starts_at AND c.occurred_at < d.ends_at
    WHERE c.on_duty
),
area_excused AS (
    SELECT DISTINCT cd.comm_id
    FROM contact_duty cd JOIN area_people ap ON ap.person_area = cd.person_area
    WHERE ap.opened_at BETWEEN cd.occurred_at - INTERVAL 60 DAY AND cd.occurred_at
),
contact AS (
    SELECT c.comm_id, c.staff_id, c.person_id, c.occurred_at, epoch(c.occurred_at) AS t, c.why
    FROM candidates c LEFT JOIN area_excused x ON x.comm_id = c.comm_id
    WHERE x.comm_id IS NULL
),
running AS (
    SELECT *, count(*) OVER (PARTITION BY staff_id, person_id ORDER BY t
                             RANGE BETWEEN :window_days * 86400 PRECEDING AND CURRENT ROW) AS in_window
    FROM contact
),
days AS (
    SELECT staff_id, person_id, CAST(occurred_at AS DATE) AS day, min(occurred_at) AS alerted_at, min(t) AS first_t,
           max(t) AS last_t
    FROM running WHERE why = 'organised-crime nominal' OR in_window >= :min_contacts_suspect
    GROUP BY staff_id, person_id, CAST(occurred_at AS DATE)
)
SELECT d.staff_id AS subject_staff_id,
       [d.person_id] AS person_ids,
       min(c.occurred_at) AS window_start,
       max(c.occurred_at) AS window_end,
       d.alerted_at,
       round(count(*) * CASE WHEN min(c.why) = 'organised-crime nominal' THEN 2.0 ELSE 1.0 END, 3) AS score,
       list_sort(list('communications:' || c.comm_id)) AS evidence,
       count(*) || ' contacts with a ' || min(c.why) || ' outside any policing purpose' AS summary
FROM days d
JOIN contact c ON c.staff_id = d.staff_id AND c.person_id = d.person_id
              AND c.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.person_id, d.day, d.alerted_at
