-- id = "unexplained_lookups"
-- title = "Look-ups of a person or their records that nothing in the data explains"
-- red_flags = [4]
-- seed_case = "APSP case study 1; corruption case studies 4, 6 and 7"
-- category = "misusing_force_systems"
-- weight = 2.5
-- lookback_days = 150
-- lookahead_days = 1
-- key = ["subject_staff_id", "person_ids"]
-- feeds = ["audit", "staff", "teams", "duties", "incidents", "incident_staff", "incident_people", "people"]
-- alert = "One alert per member of staff and person looked up: each day on which the weight of their unexplained look-ups of that person over the previous ninety days reached the threshold adds to it."
-- reading = """One alert per member of staff and person. Every look-up in the evidence was checked against
-- the explanations in the `lookups` context (assigned to the incident or its people, one hop from an assigned
-- incident, the team's incident, on duty in its area, custody duty, an intelligence or PSD role, a search on
-- duty) and none applied. Each unexplained look-up is weighted by how sensitive the record is: a vulnerable
-- person, a domestic abuse victim, a watched record (organised-crime nominal, high-profile person), someone
-- living within half a kilometre of the officer, or someone sharing the officer's surname. Look-ups by
-- intelligence or PSD staff, explained by their role, appear as `repeat_research` (half weight) once they
-- return to the same person on a fourth separate day within sixty days. Look-ups count together within
-- ninety days of one another."""
-- [parameters.min_weight]
-- value = 3.0
-- why = "About three ordinary unexplained look-ups, or one of a watched or vulnerable person's records, before an analyst is asked to look (corruption case study 4: the log was opened 'several times')."
-- [parameters.role_repeat_days]
-- value = 4
-- source = "judgement"
-- why = "Intelligence and PSD staff research records as their job, so their look-ups are explained by role; but returning to one person's record on a fourth separate day with no incident to explain it is a fixation, not research (corruption case study 7), and from then on each look-up counts at half weight."
-- [parameters.near_home_km]
-- value = 0.5
-- why = "Checking on people near home is named as curiosity, not a policing purpose (seed 002, College of Policing outcomes guidance)."
-- [parameters.window_days]
-- value = 90
-- why = "Look-ups count together within three months: corruption case study 4's log was opened several times over weeks; a look-up a year ago says little about now."
-- [parameters.research_days]
-- value = 60
-- why = "The separate days of role-explained research are counted within two months; with the ninety-day window that makes the look-back 150 days. Explanations may come from a record made up to a day after the look-up (custody booked in an hour later, an involvement logged the next day): a day's look-ahead."
WITH research_days AS (
    -- Research explained only by role: the separate days in the last `research_days` it returned to a person.
    SELECT staff_id, object_id, day,
           count(*) OVER (PARTITION BY staff_id, object_id ORDER BY epoch(day_start)
                          RANGE BETWEEN (:research_days - 1) * 86400 PRECEDING AND CURRENT ROW) AS day_no
    FROM (SELECT DISTINCT staff_id, object_id, CAST(occurred_at AS DATE) AS day,
                 CAST(CAST(occurred_at AS DATE) AS TIMESTAMPTZ) AS day_start
          FROM lookups WHERE explanation = 'role' AND object_type = 'person') AS research
),
unexplained AS (
    SELECT l.audit_id, l.staff_id, l.occurred_at, l.object_type, l.object_id,
           CASE WHEN l.object_type = 'person' THEN l.object_id ELSE c.person_id END AS person_id
    FROM lookups l
    LEFT JOIN custody c ON l.object_type = 'custody' AND c.custody_id = l.object_id
    WHERE l.explanation IS NULL AND l.object_type IN ('person', 'custody')
    UNION ALL
    -- An unexplained incident look-up counts against each person in the incident.
    SELECT l.audit_id, l.staff_id, l.occurred_at, l.object_type, l.object_id, ip.person_id
    FROM lookups l JOIN incident_people ip ON ip.incident_id = l.object_id AND ip.recorded_at <= l.occurred_at
    WHERE l.explanation IS NULL AND l.object_type = 'incident'
    UNION ALL
    -- Research explained only by role, once the same person's record is opened on a fourth separate day.
    SELECT l.audit_id, l.staff_id, l.occurred_at, 'repeat_research' AS object_type, l.object_id, l.object_id
    FROM lookups l
    JOIN research_days r ON r.staff_id = l.staff_id AND r.object_id = l.object_id
                        AND r.day = CAST(l.occurred_at AS DATE)
    WHERE l.explanation = 'role' AND l.object_type = 'person' AND r.day_no >= :role_repeat_days
),
weighted AS (
    SELECT u.*, epoch(u.occurred_at) AS t,
           (1.0
            + CASE WHEN pr.vulnerabilities > 0 THEN 1.0 ELSE 0 END
            + CASE WHEN pr.domestic_abuse_victim THEN 1.0 ELSE 0 END
            + CASE WHEN pr.watch_reason IS NOT NULL THEN 2.0 ELSE 0 END
            + CASE WHEN st.home_lat IS NOT NULL AND pr.home_lat IS NOT NULL
                    AND sqrt(power((st.home_lat - pr.home_lat) * 111.2, 2)
                             + power((st.home_lon - pr.home_lon) * 69.5, 2)) < :near_home_km THEN 1.0 ELSE 0 END
            + CASE WHEN upper(st.surname) = upper(pr.surname) THEN 1.0 ELSE 0 END)
           * CASE WHEN u.object_type IN ('incident', 'repeat_research') THEN 0.5 ELSE 1.0 END AS weight
    FROM unexplained u
    JOIN person_risk pr ON pr.person_id = u.person_id
    JOIN staff st ON st.staff_id = u.staff_id
    WHERE u.occurred_at >= :since
),
running AS (
    SELECT *, sum(weight) OVER (PARTITION BY staff_id, person_id ORDER BY t
                                RANGE BETWEEN :window_days * 86400 PRECEDING AND CURRENT ROW) AS in_window
    FROM weighted
),
days AS (
    SELECT staff_id, person_id, CAST(occurred_at AS DATE) AS day, min(occurred_at) AS alerted_at,
           min(t) AS first_t, max(t) AS last_t
    FROM running WHERE in_window >= :min_weight
    GROUP BY staff_id, person_id, CAST(occurred_at AS DATE)
)
SELECT d.staff_id AS subject_staff_id,
       [d.person_id] AS person_ids,
       min(w.occurred_at) AS window_start,
       max(w.occurred_at) AS window_end,
       d.alerted_at,
       round(sum(w.weight), 3) AS score,
       list_sort(list(DISTINCT 'audit:' || w.audit_id)) AS evidence,
       count(DISTINCT w.audit_id) || ' unexplained look-ups (' || list_sort(list(DISTINCT w.object_type))[1]
           || (CASE WHEN count(DISTINCT w.object_type) > 1 THEN ' and more' ELSE '' END) || '), weight '
           || round(sum(w.weight), 1) AS summary
FROM days d
JOIN weighted w ON w.staff_id = d.staff_id AND w.person_id = d.person_id
               AND w.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.person_id, d.day, d.alerted_at
