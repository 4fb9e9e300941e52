-- id = "contact_after_purpose"
-- title = "Work-device contact with someone met through duty, after the policing purpose ended or late and off duty"
-- red_flags = [1]
-- seed_case = "APSP case studies 1, 2, 7, 8 and 10; corruption case study 8"
-- category = "sexual_misconduct"
-- weight = 3.0
-- lookback_days = 150
-- key = ["subject_staff_id", "person_ids"]
-- feeds = ["communications", "people", "incidents", "incident_staff", "incident_people", "staff"]
-- alert = "One alert per officer and person met through duty: every day on which the officer's contacts with that person outside the policing purpose reached the threshold within the window adds to it."
-- reading = """One alert per officer and person. The evidence is the calls and messages that counted (within
-- 120 days of one another): each came after the officer's policing purpose with that person had ended (two
-- days after attending; a week after an owned case closed; three days after a detention the officer met them
-- in ended), whatever the hour and whether on duty or not, or was sent by the officer off duty late at night.
-- A person met only in custody counts from the first such contact: custody staff have no call to make to a
-- detainee after release. Calls from the person to the officer while the purpose lasts are never counted (a
-- victim ringing her officer in charge). Shared work lines (a hostel or partner agency's number on the
-- person's record) are not counted, nor contact on duty while the officer's team holds a case the person is in
-- (a later case of the same victim, owned by a colleague: the team's work, as the `team` explanation says).
-- The score rises with the number of contacts, the share at night, the share off duty, rising frequency, the number of distinct weeks the contact went on and how regular it was (week
-- after week outranks a burst), and the person's vulnerability. Looks back 30 days beyond its window: whether
-- a number is a shared line is judged on the 28 days before each contact."""
-- [parameters.min_contacts]
-- value = 3
-- why = "A single call-back or closing update is ordinary service; three contacts outside the purpose is a pattern (APSP 2: texts 'the following day', then 'for the next few weeks')."
-- [parameters.min_contacts_custody]
-- value = 1
-- why = "Met only in custody: detention officers and custody sergeants have no reason to contact a detainee after release, so one contact from the work device is already outside the role (APSP 7: the custody officer and the man were in contact a month after his release)."
-- [parameters.night_from]
-- value = 22
-- why = "Local hour from which contact counts as late at night."
-- [parameters.night_to]
-- value = 6
-- why = "Local hour at which night ends."
-- [parameters.window_days]
-- value = 120
-- why = "Contacts count together when they fall within four months of each other: APSP case studies 2 and 8 escalate over weeks, and older contact says little about now."
-- [parameters.week_weight]
-- value = 0.5
-- why = "Each further week in which contact outside the purpose went on adds half the weight of an all-night pattern, scaled by regularity (weeks with contact over weeks spanned): six weekly calls outrank three in one night, so subtle on-duty pursuit that lasts ranks above one-off noise."
WITH contact AS (
    -- Contact after the officer first met the person; in purpose while any relationship's purpose covers it;
    -- met only in custody when every relationship begun by then was custody duty or custody officer.
    SELECT pc.staff_id, pc.person_id, pc.comm_id, pc.occurred_at, pc.on_duty, pc.direction, pc.team_case,
           pc.local_hour >= :night_from OR pc.local_hour < :night_to AS at_night,
           max(CASE WHEN pc.occurred_at <= m.purpose_until THEN 1 ELSE 0 END) AS in_purpose,
           min(CASE WHEN m.relationship IN ('custody_duty', 'custody_officer') THEN 1 ELSE 0 END) AS custody_only
    FROM explained_contacts pc
    JOIN met_spans m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id AND m.met_at < pc.occurred_at
    WHERE pc.occurred_at >= :since AND NOT pc.shared_line
    GROUP BY pc.staff_id, pc.person_id, pc.comm_id, pc.occurred_at, pc.on_duty, pc.direction, pc.team_case,
             pc.local_hour
),
outside AS (
    -- After the purpose, any contact either way, unless on duty for a case the officer's team holds with that
    -- person in it (a later case of the same victim, owned by a colleague); within it, only the officer's own
    -- late contact off duty.
    SELECT staff_id, person_id, comm_id, occurred_at, on_duty, at_night, custody_only, epoch(occurred_at) AS t,
           CAST(floor((epoch(occurred_at) / 86400 + 3) / 7) AS BIGINT) AS week
    FROM contact
    WHERE (in_purpose = 0 AND NOT team_case) OR (NOT on_duty AND at_night AND direction = 'outbound')
),
running AS (
    SELECT *, count(*) OVER (PARTITION BY staff_id, person_id ORDER BY t
                             RANGE BETWEEN :window_days * 86400 PRECEDING AND CURRENT ROW) AS in_window
    FROM outside
),
-- A finding per day on which the count within the window reached the threshold; its evidence is every
-- contact in the windows ending that day.
days AS (
    SELECT staff_id, person_id, CAST(occurred_at AS DATE) AS day, min(occurred_at) AS alerted_at,
           min(t) AS first_t, max(t) AS last_t
    FROM running
    WHERE in_window >= CASE WHEN custody_only = 1 THEN :min_contacts_custody ELSE :min_contacts END
    GROUP BY staff_id, person_id, CAST(occurred_at AS DATE)
),
evidence AS (
    SELECT d.staff_id, d.person_id, d.day, d.alerted_at, o.comm_id, o.occurred_at, o.on_duty, o.at_night, o.t,
           o.week,
           min(o.t) OVER (PARTITION BY d.staff_id, d.person_id, d.day) AS span_first,
           max(o.t) OVER (PARTITION BY d.staff_id, d.person_id, d.day) AS span_last
    FROM days d
    JOIN outside o ON o.staff_id = d.staff_id AND o.person_id = d.person_id
                  AND o.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
),
pattern AS (
    SELECT staff_id, person_id, day, alerted_at,
           count(*) AS contacts,
           avg(CASE WHEN at_night THEN 1.0 ELSE 0.0 END) AS night_share,
           avg(CASE WHEN on_duty THEN 0.0 ELSE 1.0 END) AS off_duty_share,
           min(occurred_at) AS first_at,
           max(occurred_at) AS last_at,
           -- More contacts in the second half of the span than the first: escalation.
           sum(CASE WHEN t > span_first + (span_last - span_first) / 2 THEN 1 ELSE -1 END) > 0 AS rising,
           -- Persistence: the weeks with contact, and their share of the weeks from the first to the last.
           count(DISTINCT week) AS weeks,
           count(DISTINCT week) / (max(week) - min(week) + 1.0) AS regularity,
           list_sort(list('communications:' || comm_id)) AS evidence
    FROM evidence
    GROUP BY staff_id, person_id, day, alerted_at
)
SELECT p.staff_id AS subject_staff_id,
       [p.person_id] AS person_ids,
       p.first_at AS window_start,
       p.last_at AS window_end,
       p.alerted_at,
       round(ln(1 + p.contacts) * (1 + p.night_share + p.off_duty_share + CASE WHEN p.rising THEN 0.5 ELSE 0 END
                                   + :week_weight * (p.weeks - 1) * p.regularity)
             * (1 + 0.5 * least(pr.vulnerabilities, 2)), 3) AS score,
       p.evidence,
       p.contacts || CASE WHEN p.contacts = 1 THEN ' contact' ELSE ' contacts' END || ' outside the policing purpose, ' || round(100 * p.night_share) || '% at night, '
           || round(100 * p.off_duty_share) || '% off duty' || CASE WHEN p.rising THEN ', rising' ELSE '' END
           || CASE WHEN p.weeks > 1 THEN ', in ' || p.weeks || ' different weeks' ELSE '' END
           AS summary
FROM pattern p
JOIN person_risk pr ON pr.person_id = p.person_id
