-- id = "message_content"
-- title = "Messages to a member of the public with kisses, compliments, personal channels, secrecy or deletion"
-- red_flags = [12]
-- seed_case = "APSP case studies 2, 8 and 9; corruption case study 4"
-- category = "sexual_misconduct"
-- weight = 3.0
-- lookback_days = 60
-- key = ["subject_staff_id", "counterpart"]
-- feeds = ["communications", "staff"]
-- alert = "One alert per member of staff and counterpart: each day on which the weight of matching messages to that counterpart within sixty days reached the threshold adds to it."
-- reading = """One alert per member of staff and counterpart (a number or address, named as a person where it
-- is in force records). The evidence is the outbound messages whose text matched the lexicon (lexicon.csv:
-- each term with its category, weight and the case study it comes from). The score adds the weights of the
-- distinct terms matched per message; secrecy and deletion weigh most. Messages count together within sixty
-- days of one another."""
-- [parameters.min_weight]
-- value = 3.0
-- why = "One secrecy or deletion message, or a compliment and a kiss, or several kisses: a single ambiguous 'x' does not alert. At 4.0, the first setting, an unseen seed (11, 6,000 staff, a year) found only 5 of 15 drifts."
-- [parameters.window_days]
-- value = 60
-- why = "The drift of APSP case studies 2, 8 and 9 from compliments to secrecy took weeks; messages two months apart are read separately."
WITH public_terms AS (
    SELECT mt.*, pc.person_id
    FROM message_terms mt
    LEFT JOIN person_contacts pc ON pc.contact = mt.counterpart
    WHERE mt.counterpart NOT IN (SELECT contact FROM staff_contacts) AND mt.occurred_at >= :since
),
per_message AS (
    SELECT staff_id, counterpart, comm_id, min(occurred_at) AS occurred_at, epoch(min(occurred_at)) AS t,
           max(person_id) AS person_id, sum(weight) AS weight, list_sort(list(DISTINCT category)) AS categories
    FROM (SELECT DISTINCT staff_id, counterpart, comm_id, occurred_at, person_id, term_id, category, weight
          FROM public_terms)
    GROUP BY staff_id, counterpart, comm_id
),
running AS (
    SELECT *, sum(weight) OVER (PARTITION BY staff_id, counterpart ORDER BY t
                                RANGE BETWEEN :window_days * 86400 PRECEDING AND CURRENT ROW) AS in_window
    FROM per_message
),
days AS (
    SELECT staff_id, counterpart, CAST(occurred_at AS DATE) AS day, min(occurred_at) AS alerted_at,
           min(t) AS first_t, max(t) AS last_t
    FROM running WHERE in_window >= :min_weight
    GROUP BY staff_id, counterpart, CAST(occurred_at AS DATE)
)
SELECT d.staff_id AS subject_staff_id,
       CASE WHEN max(m.person_id) IS NULL THEN CAST([] AS VARCHAR[]) ELSE [max(m.person_id)] END AS person_ids,
       d.counterpart,
       min(m.occurred_at) AS window_start,
       max(m.occurred_at) AS window_end,
       d.alerted_at,
       round(sum(m.weight), 3) AS score,
       list_sort(list('communications:' || m.comm_id)) AS evidence,
       count(*) || ' messages matching '
           || array_to_string(list_sort(list_distinct(flatten(list(m.categories)))), ', ') AS summary
FROM days d
JOIN per_message m ON m.staff_id = d.staff_id AND m.counterpart = d.counterpart
                  AND m.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.counterpart, d.day, d.alerted_at
