-- id = "message_content"
-- title = "Messages to a member of the public with kisses, compliments, personal channels, secrecy or deletion"
-- red_flags = [12]
-- seed_case = "APSP case studies 2, 8 and 9; corruption case study 4"
-- category = "sexual_misconduct"
-- weight = 3.0
-- lookback_days = 90
-- key = ["subject_staff_id", "counterpart"]
-- feeds = ["communications", "staff"]
-- alert = "One alert per member of staff and counterpart: each day on which the weight of matching messages to that counterpart within sixty days reached the threshold adds to it."
-- reading = """One alert per member of staff and counterpart (a number or address, named as a person where it
-- is in force records). The evidence is the outbound messages whose text matched the lexicon, read after
-- folding (folding.csv: text-speak, misspellings and emoji as words); the summary names the categories and
-- the words that earned the points ('hun', 'xx', 'fancy a drink'). A message weighs the weights of the distinct
-- terms it matched (lexicon.csv: each term with its category, weight and the case study it comes from), less
-- any work-context term in the same message (safeguarding advice about the victim's own phone, a meeting for
-- the ISVA), never below nothing; secrecy, deletion, sexual content and personal channels weigh most, a lone
-- kiss or heart least. Drift: the first message with terms in a conversation whose earlier messages within
-- thirty days carried none, at least two of them, adds the drift weight (formal turning personal, APSP case
-- studies 2, 8 and 9); the summary says after how many plain messages. Messages count together within sixty
-- days of one another."""
-- [parameters.min_weight]
-- value = 3.0
-- why = "One secrecy or deletion message, or a compliment and a kiss, or several kisses: a single ambiguous 'x' does not alert. At 4.0, the first setting, an unseen seed (11, 6,000 staff, a year) found only 5 of 15 drifts."
-- [parameters.drift_weight]
-- value = 1.0
-- why = "Formal messages turning personal is how APSP case studies 2, 8 and 9 began; the turn adds as much as one weak sign, so it lifts a compliment and a kiss over the threshold but never alerts alone."
-- [parameters.drift_min_plain]
-- value = 2
-- why = "Two ordinary messages before the first personal one make a turn; a conversation that opens warm has no earlier register to drift from."
-- [parameters.drift_days]
-- value = 30
-- why = "The plain messages before the turn are read from the thirty days before it; the look-back (90 days) covers them for the earliest message of the sixty-day window."
-- [parameters.window_days]
-- value = 60
-- why = "The drift of APSP case studies 2, 8 and 9 from compliments to secrecy took weeks; messages two months apart are read separately."
WITH scored AS (
    SELECT ms.*, pc.person_id
    FROM message_scores ms
    LEFT JOIN person_contacts pc ON pc.contact = ms.counterpart
    WHERE ms.counterpart NOT IN (SELECT contact FROM staff_contacts) AND ms.occurred_at >= :since
),
conversation AS (
    -- Every outbound text to the public, with its weight (none when it matched no term).
    SELECT p.staff_id, p.counterpart, p.comm_id, p.occurred_at, epoch(p.occurred_at) AS t,
           coalesce(s.weight, 0.0) AS weight, CASE WHEN coalesce(s.weight, 0.0) > 0 THEN 1 ELSE 0 END AS termed
    FROM public_comms p
    LEFT JOIN scored s ON s.comm_id = p.comm_id
    WHERE p.direction = 'outbound' AND p.text IS NOT NULL AND p.occurred_at >= :since
),
turns AS (
    SELECT *, plain_upto - (1 - termed) AS plain_before, termed_upto - termed AS termed_before
    FROM (SELECT *,
                 sum(1 - termed) OVER (PARTITION BY staff_id, counterpart ORDER BY t
                                       RANGE BETWEEN :drift_days * 86400 PRECEDING AND CURRENT ROW) AS plain_upto,
                 sum(termed) OVER (PARTITION BY staff_id, counterpart ORDER BY t
                                   RANGE BETWEEN :drift_days * 86400 PRECEDING AND CURRENT ROW) AS termed_upto
          FROM conversation) AS c
),
per_message AS (
    SELECT b.staff_id, b.counterpart, b.comm_id, b.occurred_at, b.t, s.person_id, s.categories, s.matched,
           s.offsets, b.termed_before = 0 AND b.plain_before >= :drift_min_plain AS drifted, b.plain_before,
           b.weight + CASE WHEN b.termed_before = 0 AND b.plain_before >= :drift_min_plain
                           THEN :drift_weight ELSE 0.0 END AS weight
    FROM turns b
    JOIN scored s ON s.comm_id = b.comm_id
    WHERE b.termed = 1
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
           || array_to_string(list_sort(list_distinct(flatten(list(m.categories)))), ', ')
           || ' (words: ' || array_to_string(list_sort(list_distinct(flatten(list(m.matched)))), ', ') || ')'
           || CASE WHEN max(CASE WHEN m.drifted THEN 1 ELSE 0 END) = 1
                   THEN '; turned personal after ' || max(CASE WHEN m.drifted THEN m.plain_before END)
                        || ' messages with none'
                   ELSE '' END
           || CASE WHEN len(list_distinct(flatten(list(m.offsets)))) > 0
                   THEN '; set against: ' || array_to_string(list_sort(list_distinct(flatten(list(m.offsets)))), ', ')
                   ELSE '' END AS summary
FROM days d
JOIN per_message m ON m.staff_id = d.staff_id AND m.counterpart = d.counterpart
                  AND m.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.counterpart, d.day, d.alerted_at
