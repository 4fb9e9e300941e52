-- expand: folding of outbound.words, keeping comm_id, staff_id, occurred_at, counterpart
-- Each captured outbound message text, normalised once for the lexicon (red flags 8 and 12): lower-cased, emoji
-- as words (a blown kiss is ' emoji_kiss '), other characters outside printable ASCII as spaces, a letter
-- repeated three or more times cut to two, and text-speak and misspellings folded to standard words ('u' to
-- 'you', 'gorgeus' to 'gorgeous'), all by folding.csv. The engine writes the folding in where `:folding`
-- stands, as common table expressions from `outbound` to `folded`. Read only by message_terms, which is kept
-- per day: built from the margin of its refresh, the dirty day itself.
WITH outbound AS (
    SELECT comm_id, staff_id, occurred_at, counterpart, lower(text) AS words
    FROM communications
    WHERE text IS NOT NULL AND direction = 'outbound' AND occurred_at >= :since
),
:folding
SELECT comm_id, staff_id, occurred_at, counterpart, words FROM folded
