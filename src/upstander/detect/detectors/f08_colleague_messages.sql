-- id = "sexualised_messages_to_colleagues"
-- title = "Sexualised messages to colleagues on work devices"
-- red_flags = [8]
-- seed_case = "APSP case studies 5 and 8; corruption case study 3; national checklist"
-- category = "sexual_misconduct"
-- weight = 2.0
-- lookback_days = 60
-- key = ["subject_staff_id"]
-- feeds = ["communications", "staff"]
-- alert = "One alert per member of staff: each day on which their sexualised messages to colleagues within sixty days reached the threshold adds to it."
-- reading = """One alert per member of staff. The evidence is outbound messages to colleagues' work phones
-- whose text matched the sexual, compliment or affection terms of the lexicon of weight 1.5 or more. The checklist asks
-- forces to investigate internal sexualised behaviour 'to negate any concern of that sexualised conduct being
-- replicated with members of the public'. The summary names the words that matched. Messages count together within sixty days. Person ids are empty: the counterparts are staff, named in the
-- summary."""
-- [parameters.min_messages]
-- value = 2
-- why = "One crude message can be a misjudged joke; two make a pattern worth a supervisor's or analyst's look."
-- [parameters.min_term_weight]
-- value = 1.5
-- why = "Only the heavier sexual, compliment and affection terms count between colleagues: a heart emoji or 'sleep tight' (weight 1.0) is ordinary between friends at work, a comment on someone's body is not."
-- [parameters.window_days]
-- value = 60
-- why = "Messages count together within two months of each other; a crude message a year ago and one today are not yet a pattern."
WITH to_colleagues AS (
    SELECT DISTINCT mt.comm_id, mt.staff_id, mt.occurred_at, epoch(mt.occurred_at) AS t, sc.staff_id AS colleague_id,
           mt.matched
    FROM message_terms mt
    JOIN staff_contacts sc ON sc.contact = mt.counterpart
    WHERE mt.category IN ('sexual', 'compliment', 'affection') AND mt.weight >= :min_term_weight
      AND sc.staff_id <> mt.staff_id
      AND mt.occurred_at >= :since
),
messages AS (SELECT DISTINCT staff_id, comm_id, occurred_at, t FROM to_colleagues),
running AS (
    SELECT *, count(*) OVER (PARTITION BY staff_id ORDER BY t
                             RANGE BETWEEN :window_days * 86400 PRECEDING AND CURRENT ROW) AS in_window
    FROM messages
),
days AS (
    SELECT staff_id, CAST(occurred_at AS DATE) AS day, min(occurred_at) AS alerted_at, min(t) AS first_t,
           max(t) AS last_t
    FROM running WHERE in_window >= :min_messages
    GROUP BY staff_id, CAST(occurred_at AS DATE)
)
SELECT d.staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       min(m.occurred_at) AS window_start,
       max(m.occurred_at) AS window_end,
       d.alerted_at,
       count(DISTINCT m.comm_id) + count(DISTINCT m.colleague_id) AS score,
       list_sort(list(DISTINCT 'communications:' || m.comm_id)) AS evidence,
       count(DISTINCT m.comm_id) || ' sexualised messages to ' || count(DISTINCT m.colleague_id) || ' colleagues ('
           || array_to_string(list_sort(list(DISTINCT m.colleague_id)), ', ') || '; words: '
           || array_to_string(list_sort(list(DISTINCT m.matched)), ', ') AS summary
FROM days d
JOIN to_colleagues m ON m.staff_id = d.staff_id AND m.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.day, d.alerted_at
