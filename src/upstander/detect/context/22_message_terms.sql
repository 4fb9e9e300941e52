-- expand: lexicon
-- Each captured outbound message with the lexicon terms its normalised text (message_text) matches (red flags 8
-- and 12), and the words that matched, for the analyst to read. The engine repeats this query once per row of
-- lexicon.csv, binding :term_id, :category, :pattern and :weight, and unions the results: a pattern written
-- into the query is compiled once, not once per message. `matched` is the term's first match in the text, without
-- its punctuation, emoji words read as 'emoji kiss' and the like.
-- keep: by occurred_at, from 0 days before the dirty day
-- (a row depends only on its own message)
SELECT m.comm_id, m.staff_id, m.occurred_at, m.counterpart,
       :term_id AS term_id, :category AS category, :weight AS weight,
       trim(replace(regexp_replace(regexp_extract(m.words, :pattern, 0), '[^a-z0-9_'' ]+', ' ', 'g'), 'emoji_',
                    'emoji ')) AS matched
FROM message_text m
WHERE m.occurred_at >= :since AND regexp_matches(m.words, :pattern)
