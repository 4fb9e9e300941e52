-- id = "unexplained_lookups"
-- title = "Look-ups of a person or their records that nothing in the data explains"
-- red_flags = [4]
-- seed_case = "APSP case study 1; corruption case studies 1, 4, 6 and 7"
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
-- living within half a kilometre of the officer or at the officer's own address, or someone sharing the
-- officer's surname. A look-up that the member of staff followed within a week by disposing of that record,
-- or by work-phone contact with that person that nothing explains (a text three days after her record was
-- opened, APSP case study 1), is corroborated: its weight counts twice, the second time when the disposal or
-- contact came (which is then in the evidence, and the summary says what corroborated which look-up). Any
-- unexplained look-up that came between a message or call from a number nothing explains (not someone met
-- through duty, not a colleague, not a shared work line) and, soon after, a message or call back to that same
-- number is asked and answered: the question, the look-up and the answer, as when a known drug supplier asked
-- whether someone had been arrested and the officer confirmed the offences; its weight counts three times, and
-- both messages are in the evidence. Deletions and disposals are not look-ups themselves (disposals are red
-- flag 5). Look-ups by intelligence or PSD staff, explained by their role, appear as `repeat_research` (half
-- weight) once they return to the same person on a fourth separate day within sixty days. Look-ups count together within ninety days of one another."""
-- [parameters.min_weight]
-- value = 3.0
-- why = "About three ordinary unexplained look-ups, or one of a watched or vulnerable person's records, before an analyst is asked to look (corruption case study 4: the log was opened 'several times')."
-- [parameters.role_repeat_days]
-- value = 4
-- source = "judgement"
-- why = "Intelligence and PSD staff research records as their job, so their look-ups are explained by role; but returning to one person's record on a fourth separate day with no incident to explain it is a fixation, not research (corruption case study 7), and from then on each look-up counts at half weight."
-- [parameters.near_home_km]
-- value = 0.5
-- why = "Checking on people near home is named as curiosity, not a policing purpose (seed 002, College of Policing outcomes guidance). Someone at the officer's own address (the same property reference) counts as near, whether or not the coordinates are known."
-- [parameters.window_days]
-- value = 90
-- why = "Look-ups count together within three months: corruption case study 4's log was opened several times over weeks; a look-up a year ago says little about now."
-- [parameters.research_days]
-- value = 60
-- why = "The separate days of role-explained research are counted within two months; with the ninety-day window that makes the look-back 150 days. Explanations may come from a record made up to a day after the look-up (custody booked in an hour later, an involvement logged the next day): a day's look-ahead."
-- [parameters.corroboration_days]
-- value = 7
-- why = "A look-up that prepares a favour or a call is followed by it within days: the ticket opened and cancelled in one sitting (corruption case study 6), a text three days after her record was opened (APSP case study 1). A week keeps what followed tied to that look-up and not to the next."
-- [parameters.corroboration_factor]
-- value = 2.0
-- why = "A record looked up and then acted on is no longer curiosity: counted twice, one look-up of a namesake or a domestic abuse victim (weight 2) that the officer then disposed of, or rang with nothing to explain it, reaches the threshold of 3 on its own; an uncorroborated one does not, nor a corroborated look-up of someone with no marker at all (weight 1)."
-- [parameters.ask_minutes]
-- value = 240
-- why = "The question comes first and the look-up follows within the same shift: corruption case study 1's supplier asked whether a man 'had been recently arrested' and the officer looked and answered. Four hours holds a look-up made when the officer is next free, and no longer, so that a question one day is not tied to a look-up the next."
-- [parameters.answer_minutes]
-- value = 120
-- why = "The answer goes back soon after the record is read (corruption case study 1: 'the officer responded and confirmed what offences the person had been arrested for'); two hours, since a reply days later is no longer one sitting."
-- [parameters.asked_factor]
-- value = 3.0
-- why = "A look-up nothing explains, asked for and answered by a number nothing explains, is the disclosure itself, not curiosity: counted three times, one ordinary look-up so placed reaches the threshold of 3."
WITH research_days AS (
    -- Research explained only by role: the separate days in the last `research_days` it returned to a person.
    SELECT staff_id, object_id, day,
           count(*) OVER (PARTITION BY staff_id, object_id ORDER BY epoch(day_start)
                          RANGE BETWEEN (:research_days - 1) * 86400 PRECEDING AND CURRENT ROW) AS day_no
    FROM (SELECT DISTINCT staff_id, object_id, CAST(occurred_at AS DATE) AS day,
                 CAST(CAST(occurred_at AS DATE) AS TIMESTAMPTZ) AS day_start
          FROM lookups WHERE explanation = 'role' AND object_type = 'person') AS research
),
opened AS (
    -- Look-ups: a deletion or disposal is not one (it is red flag 5, and here it corroborates).
    SELECT * FROM lookups WHERE action NOT IN ('delete', 'dispose')
),
unexplained AS (
    SELECT l.audit_id, l.staff_id, l.occurred_at, l.object_type, l.object_id,
           CASE WHEN l.object_type = 'person' THEN l.object_id ELSE c.person_id END AS person_id
    FROM opened l
    LEFT JOIN custody c ON l.object_type = 'custody' AND c.custody_id = l.object_id
    WHERE l.explanation IS NULL AND l.object_type IN ('person', 'custody')
    UNION ALL
    -- An unexplained incident look-up counts against each person in the incident.
    SELECT l.audit_id, l.staff_id, l.occurred_at, l.object_type, l.object_id, ip.person_id
    FROM opened l JOIN incident_people ip ON ip.incident_id = l.object_id AND ip.recorded_at <= l.occurred_at
    WHERE l.explanation IS NULL AND l.object_type = 'incident'
    UNION ALL
    -- Research explained only by role, once the same person's record is opened on a fourth separate day.
    SELECT l.audit_id, l.staff_id, l.occurred_at, 'repeat_research' AS object_type, l.object_id, l.object_id
    FROM opened l
    JOIN research_days r ON r.staff_id = l.staff_id AND r.object_id = l.object_id
                        AND r.day = CAST(l.occurred_at AS DATE)
    WHERE l.explanation = 'role' AND l.object_type = 'person' AND r.day_no >= :role_repeat_days
),
flagged AS (
    SELECT u.*, pr.vulnerabilities, pr.domestic_abuse_victim, pr.watch_reason,
           coalesce(st.home_uprn = pr.home_uprn, false) AS housemate,
           coalesce(upper(st.surname) = upper(pr.surname), false) AS namesake,
           coalesce(sqrt(power((st.home_lat - pr.home_lat) * 111.2, 2)
                         + power((st.home_lon - pr.home_lon) * 69.5, 2)) < :near_home_km, false) AS neighbour
    FROM unexplained u
    JOIN person_risk pr ON pr.person_id = u.person_id
    JOIN staff st ON st.staff_id = u.staff_id
    WHERE u.occurred_at >= :since
),
looked_up AS (
    SELECT f.*, epoch(f.occurred_at) AS t, 'audit:' || f.audit_id AS ref, CAST(NULL AS VARCHAR) AS corroboration,
           (1.0
            + CASE WHEN f.vulnerabilities > 0 THEN 1.0 ELSE 0 END
            + CASE WHEN f.domestic_abuse_victim THEN 1.0 ELSE 0 END
            + CASE WHEN f.watch_reason IS NOT NULL THEN 2.0 ELSE 0 END
            + CASE WHEN f.neighbour OR f.housemate THEN 1.0 ELSE 0 END
            + CASE WHEN f.namesake THEN 1.0 ELSE 0 END)
           * CASE WHEN f.object_type IN ('incident', 'repeat_research') THEN 0.5 ELSE 1.0 END AS weight
    FROM flagged f
),
followed AS (
    -- What the member of staff did next with the record or the person looked up.
    SELECT l.audit_id, l.person_id, 'audit:' || a.audit_id AS ref, a.occurred_at AS followed_at,
           'their disposing of the record' AS what
    FROM looked_up l
    JOIN audit a ON a.staff_id = l.staff_id AND a.object_id = l.object_id
                AND a.object_type = CASE WHEN l.object_type = 'repeat_research' THEN 'person' ELSE l.object_type END
                AND a.action IN ('delete', 'dispose')
                AND a.occurred_at > l.occurred_at AND a.occurred_at <= l.occurred_at + INTERVAL (:corroboration_days) DAY
    UNION ALL
    SELECT l.audit_id, l.person_id, 'communications:' || c.comm_id, c.occurred_at,
           'work-phone contact with that person that nothing explains'
    FROM looked_up l
    JOIN explained_contacts c ON c.staff_id = l.staff_id AND c.person_id = l.person_id AND c.explanation IS NULL
                             AND c.occurred_at > l.occurred_at
                             AND c.occurred_at <= l.occurred_at + INTERVAL (:corroboration_days) DAY
),
asked AS (
    -- A look-up between a question from a number nothing explains and an answer back to that number: the
    -- first such pair for each look-up, the answer being when it counts again.
    SELECT l.audit_id, l.person_id, 'communications:' || q.comm_id AS question_ref,
           'communications:' || a.comm_id AS ref, a.occurred_at AS followed_at,
           CAST(round((epoch(l.occurred_at) - epoch(q.occurred_at)) / 60.0) AS INTEGER) AS after_question,
           CAST(round((epoch(a.occurred_at) - epoch(l.occurred_at)) / 60.0) AS INTEGER) AS before_answer,
           row_number() OVER (PARTITION BY l.audit_id, l.person_id ORDER BY a.occurred_at, q.occurred_at DESC,
                                                                             a.comm_id, q.comm_id) AS k
    FROM looked_up l
    JOIN explained_contacts q ON q.staff_id = l.staff_id AND q.direction = 'inbound' AND q.explanation IS NULL
                             AND epoch(q.occurred_at) BETWEEN l.t - :ask_minutes * 60 AND l.t
    JOIN explained_contacts a ON a.staff_id = l.staff_id AND a.direction = 'outbound' AND a.explanation IS NULL
                             AND a.counterpart = q.counterpart
                             AND epoch(a.occurred_at) BETWEEN l.t AND l.t + :answer_minutes * 60
),
first_followed AS (
    SELECT *, row_number() OVER (PARTITION BY audit_id, person_id ORDER BY followed_at, ref) AS k FROM followed
),
corroborated AS (
    -- The look-up's weight again, when what corroborated it came, with that row as evidence.
    SELECT l.audit_id, l.staff_id, f.followed_at AS occurred_at, l.object_type, l.person_id,
           epoch(f.followed_at) AS t, f.ref,
           'the look-up of ' || CASE WHEN l.housemate THEN 'someone living at their address'
                                     WHEN l.namesake THEN 'someone sharing their surname'
                                     WHEN l.neighbour THEN 'someone living within ' || :near_home_km
                                                           || ' km of their home'
                                     ELSE 'that person' END
           || ' was followed '
           || CASE WHEN epoch(f.followed_at) - l.t <= 3600 THEN 'within the hour'
                   WHEN epoch(f.followed_at) - l.t <= 86400 THEN 'within a day'
                   ELSE 'within ' || CAST(ceil((epoch(f.followed_at) - l.t) / 86400.0) AS INTEGER) || ' days' END
           || ' by ' || f.what AS corroboration,
           l.weight * (:corroboration_factor - 1) AS weight
    FROM looked_up l
    JOIN first_followed f ON f.audit_id = l.audit_id AND f.person_id = l.person_id AND f.k = 1
),
answered AS (
    -- The look-up's weight twice more when the answer went back, with the answer as evidence, and the question
    -- as evidence at no weight of its own.
    SELECT l.audit_id, l.staff_id, x.followed_at AS occurred_at, l.object_type, l.person_id,
           epoch(x.followed_at) AS t, x.ref,
           'asked and answered: a message or call from a number nothing explains ' || x.after_question
           || ' minutes before the look-up, and one back to that number ' || x.before_answer || ' minutes after it'
           AS corroboration,
           l.weight * (:asked_factor - 1) AS weight
    FROM looked_up l JOIN asked x ON x.audit_id = l.audit_id AND x.person_id = l.person_id AND x.k = 1
    UNION ALL
    SELECT l.audit_id, l.staff_id, l.occurred_at, l.object_type, l.person_id, l.t, x.question_ref,
           CAST(NULL AS VARCHAR), 0.0
    FROM looked_up l JOIN asked x ON x.audit_id = l.audit_id AND x.person_id = l.person_id AND x.k = 1
),
weighted AS (
    SELECT audit_id, staff_id, occurred_at, object_type, person_id, t, ref, corroboration, weight FROM looked_up
    UNION ALL
    SELECT audit_id, staff_id, occurred_at, object_type, person_id, t, ref, corroboration, weight FROM corroborated
    UNION ALL
    SELECT audit_id, staff_id, occurred_at, object_type, person_id, t, ref, corroboration, weight FROM answered
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
       list_sort(list(DISTINCT w.ref)) AS evidence,
       count(DISTINCT w.audit_id)
           || CASE WHEN count(DISTINCT w.audit_id) = 1 THEN ' unexplained look-up (' ELSE ' unexplained look-ups (' END
           || list_sort(list(DISTINCT w.object_type))[1]
           || (CASE WHEN count(DISTINCT w.object_type) > 1 THEN ' and more' ELSE '' END) || '), weight '
           || round(sum(w.weight), 1)
           || CASE WHEN count(w.corroboration) > 0
                   THEN '; corroborated: ' || array_to_string(list_sort(list_distinct(list(w.corroboration))), '; ')
                   ELSE '' END AS summary
FROM days d
JOIN weighted w ON w.staff_id = d.staff_id AND w.person_id = d.person_id
               AND w.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.person_id, d.day, d.alerted_at
