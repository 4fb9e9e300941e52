-- expand: lexicon
-- Each captured outbound message text with the lexicon terms it matches (red flags 8 and 12). The engine
-- repeats this query once per row of lexicon.csv, binding :term_id, :category, :pattern and :weight, and
-- unions the results: a pattern written into the query is compiled once, not once per message.
-- keep: by occurred_at, from 0 days before the dirty day
-- (a row depends only on its own message)
SELECT c.comm_id, c.staff_id, c.occurred_at, c.counterpart,
       :term_id AS term_id, :category AS category, :weight AS weight
FROM communications c
WHERE c.text IS NOT NULL AND c.direction = 'outbound' AND c.occurred_at >= :since
  AND regexp_matches(lower(c.text), :pattern)
