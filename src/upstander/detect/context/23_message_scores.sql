-- Each outbound message's score (red flags 8 and 12): the weights of the distinct lexicon terms it matched,
-- summed and never below nothing (a work_context term offsets the message it is in, not the others), with the
-- categories and the words that earned the points (`matched`) and those set against them (`offsets`). Shared by
-- message_content and message_scoring.score_texts, so a corpus is scored exactly as detection scores it.
SELECT comm_id, staff_id, occurred_at, counterpart,
       greatest(sum(weight), 0.0) AS weight,
       list_sort(list_distinct(list(CASE WHEN weight > 0 THEN category END))) AS categories,
       list_sort(list_distinct(list(CASE WHEN weight > 0 THEN matched END))) AS matched,
       list_sort(list_distinct(list(CASE WHEN weight < 0 THEN matched END))) AS offsets
FROM (SELECT DISTINCT comm_id, staff_id, occurred_at, counterpart, term_id, category, weight, matched
      FROM message_terms WHERE occurred_at >= :since) AS terms
GROUP BY comm_id, staff_id, occurred_at, counterpart
