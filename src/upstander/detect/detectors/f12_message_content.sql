-- id = "message_content"
-- title = "Messages to a member of the public with kisses, compliments, personal channels, secrecy or deletion"
-- red_flags = [12]
-- seed_case = "APSP case studies 2, 8 and 9; corruption case study 4"
-- category = "sexual_misconduct"
-- weight = 3.0
-- lookback_days = 60
-- key = ["subject_staff_id", "counterpart"]
-- reading = """One alert per member of staff and counterpart (a number or address, named as a person where it
-- is in force records). The evidence is the outbound messages whose text matched the lexicon (lexicon.csv:
-- each term with its category, weight and the case study it comes from). The score adds the weights of the
-- distinct terms matched per message; secrecy and deletion weigh most."""
-- [parameters.min_weight]
-- value = 3.0
-- why = "One secrecy or deletion message, or a compliment and a kiss, or several kisses: a single ambiguous 'x' does not alert. At 4.0, the first setting, an unseen seed (11, 6,000 staff, a year) found only 5 of 15 drifts."
WITH public_terms AS (
    SELECT mt.*, pc.person_id
    FROM message_terms mt
    LEFT JOIN person_contacts pc ON pc.contact = mt.counterpart
    WHERE mt.counterpart NOT IN (SELECT contact FROM staff_contacts)
),
per_message AS (
    SELECT staff_id, counterpart, comm_id, min(occurred_at) AS occurred_at, max(person_id) AS person_id,
           sum(weight) AS weight, list_sort(list(DISTINCT category)) AS categories
    FROM (SELECT DISTINCT staff_id, counterpart, comm_id, occurred_at, person_id, term_id, category, weight
          FROM public_terms)
    GROUP BY staff_id, counterpart, comm_id
),
running AS (
    SELECT *, sum(weight) OVER (PARTITION BY staff_id, counterpart ORDER BY occurred_at, comm_id
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
    FROM per_message
)
SELECT staff_id AS subject_staff_id,
       CASE WHEN max(person_id) IS NULL THEN CAST([] AS VARCHAR[]) ELSE [max(person_id)] END AS person_ids,
       counterpart,
       min(occurred_at) AS window_start,
       max(occurred_at) AS window_end,
       min(CASE WHEN cumulative >= :min_weight THEN occurred_at END) AS alerted_at,
       round(sum(weight), 3) AS score,
       list_sort(list('communications:' || comm_id)) AS evidence,
       count(*) || ' messages matching ' || array_to_string(list_sort(list_distinct(flatten(list(categories)))), ', ')
           AS summary
FROM running
GROUP BY staff_id, counterpart
HAVING max(cumulative) >= :min_weight
