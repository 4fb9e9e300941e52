-- id = "contact_after_purpose"
-- title = "Work-device contact with someone met through duty, after the policing purpose ended or late and off duty"
-- red_flags = [1]
-- seed_case = "APSP case studies 1, 2, 8 and 10; corruption case study 8"
-- category = "sexual_misconduct"
-- weight = 3.0
-- lookback_days = 120
-- key = ["subject_staff_id", "person_ids"]
-- reading = """One alert per officer and person. The evidence is the calls and messages that counted: each
-- came after the officer's policing purpose with that person had ended (two days after attending; a week
-- after an owned case closed), or was sent off duty late at night. The score rises with the number of such
-- contacts, the share at night, the share off duty, rising frequency, and the person's vulnerability."""
-- [parameters.min_contacts]
-- value = 3
-- why = "A single call-back or closing update is ordinary service; three contacts outside the purpose is a pattern (APSP 2: texts 'the following day', then 'for the next few weeks')."
-- [parameters.night_from]
-- value = 22
-- why = "Local hour from which contact counts as late at night."
-- [parameters.night_to]
-- value = 6
-- why = "Local hour at which night ends."
WITH contact AS (
    SELECT pc.staff_id, pc.person_id, pc.comm_id, pc.occurred_at, pc.on_duty,
           pc.local_hour >= :night_from OR pc.local_hour < :night_to AS at_night,
           m.first_met, m.purpose_until
    FROM public_comms pc
    JOIN met m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id
    WHERE pc.occurred_at >= :since
      AND pc.occurred_at > m.first_met
),
outside AS (
    SELECT *, row_number() OVER (PARTITION BY staff_id, person_id ORDER BY occurred_at, comm_id) AS n
    FROM contact
    WHERE occurred_at > purpose_until OR (NOT on_duty AND at_night)
),
pattern AS (
    SELECT staff_id, person_id,
           count(*) AS contacts,
           avg(CASE WHEN at_night THEN 1.0 ELSE 0.0 END) AS night_share,
           avg(CASE WHEN on_duty THEN 0.0 ELSE 1.0 END) AS off_duty_share,
           min(occurred_at) AS first_at,
           max(occurred_at) AS last_at,
           max(CASE WHEN n = :min_contacts THEN occurred_at END) AS alerted_at,
           list_sort(list('communications:' || comm_id)) AS evidence
    FROM outside
    GROUP BY staff_id, person_id
    HAVING count(*) >= :min_contacts
),
rising AS (
    -- More contacts in the second half of the span than the first: escalation.
    SELECT o.staff_id, o.person_id,
           sum(CASE WHEN o.occurred_at > p.first_at + (p.last_at - p.first_at) / 2 THEN 1 ELSE -1 END) > 0 AS rising
    FROM outside o JOIN pattern p ON p.staff_id = o.staff_id AND p.person_id = o.person_id
    GROUP BY o.staff_id, o.person_id
)
SELECT p.staff_id AS subject_staff_id,
       [p.person_id] AS person_ids,
       p.first_at AS window_start,
       p.last_at AS window_end,
       p.alerted_at,
       round(ln(1 + p.contacts) * (1 + p.night_share + p.off_duty_share + CASE WHEN r.rising THEN 0.5 ELSE 0 END)
             * (1 + 0.5 * least(pr.vulnerabilities, 2)), 3) AS score,
       p.evidence,
       p.contacts || ' contacts outside the policing purpose, ' || round(100 * p.night_share) || '% at night, '
           || round(100 * p.off_duty_share) || '% off duty' || CASE WHEN r.rising THEN ', rising' ELSE '' END
           AS summary
FROM pattern p
JOIN rising r ON r.staff_id = p.staff_id AND r.person_id = p.person_id
JOIN person_risk pr ON pr.person_id = p.person_id
