-- Each captured outbound message text with the lexicon terms it matches (red flags 8 and 12).
SELECT c.comm_id, c.staff_id, c.occurred_at, c.counterpart, l.term_id, l.category, l.weight
FROM communications c
JOIN lexicon l ON regexp_matches(lower(c.text), l.pattern)
WHERE c.text IS NOT NULL AND c.direction = 'outbound' AND c.occurred_at >= :since
