-- id = "sexualised_messages_to_colleagues"
-- title = "Sexualised messages to colleagues on work devices"
-- red_flags = [8]
-- seed_case = "APSP case studies 5 and 8; corruption case study 3; national checklist"
-- category = "sexual_misconduct"
-- weight = 2.0
-- lookback_days = 60
-- key = ["subject_staff_id"]
-- reading = """One alert per member of staff. The evidence is outbound messages to colleagues' work phones
-- whose text matched the sexual, appearance, affection or banter terms of the lexicon. The checklist asks
-- forces to investigate internal sexualised behaviour 'to negate any concern of that sexualised conduct being
-- replicated with members of the public'. Person ids are empty: the counterparts are staff, named in the
-- summary."""
-- [parameters.min_messages]
-- value = 2
-- why = "One crude message can be a misjudged joke; two make a pattern worth a supervisor's or analyst's look."
WITH to_colleagues AS (
    SELECT DISTINCT mt.comm_id, mt.staff_id, mt.occurred_at, sc.staff_id AS colleague_id
    FROM message_terms mt
    JOIN staff_contacts sc ON sc.contact = mt.counterpart
    WHERE mt.category IN ('sexual', 'appearance', 'affection') AND sc.staff_id <> mt.staff_id
),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY staff_id ORDER BY occurred_at, comm_id) AS n FROM to_colleagues
)
SELECT staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       min(occurred_at) AS window_start,
       max(occurred_at) AS window_end,
       max(CASE WHEN n = :min_messages THEN occurred_at END) AS alerted_at,
       count(*) + count(DISTINCT colleague_id) AS score,
       list_sort(list('communications:' || comm_id)) AS evidence,
       count(*) || ' sexualised messages to ' || count(DISTINCT colleague_id) || ' colleagues ('
           || array_to_string(list_sort(list(DISTINCT colleague_id)), ', ') || ')' AS summary
FROM numbered
GROUP BY staff_id
HAVING count(*) >= :min_messages
