-- id = "complaints_accumulating"
-- title = "Three or more complaints within twelve months"
-- red_flags = [7]
-- seed_case = "APSP case study 5"
-- category = "sexual_misconduct"
-- weight = 1.5
-- lookback_days = 365
-- key = ["subject_staff_id"]
-- feeds = ["complaints"]
-- episode_gap_days = 365
-- alert = "One alert per member of staff and run of complaints: each complaint that makes three or more in the twelve months to it is a finding, and findings less than a year apart are one run."
-- reading = """One alert per member of staff and run of complaints. The evidence is the complaints received in
-- the twelve months up to each complaint that completed three, whatever their outcome (APSP case study 5's force screens every
-- complaint, and earlier reports had been dismissed). Sexual conduct and abuse-of-position allegations, and
-- complaints from different people, raise the score. Busy public-facing officers attract complaints, so this
-- is a prompt to read them together, not a finding of misconduct."""
-- [parameters.min_complaints]
-- value = 3
-- source = "seed"
-- why = "The force in APSP case study 5 'operates a system which seeks to identify individuals who receive three or more complaints within a 12-month period'."
-- [parameters.window_days]
-- value = 365
-- source = "seed"
-- why = "Twelve months, as in APSP case study 5."
WITH c AS (
    SELECT complaint_id, subject_staff_id, received, allegation, complainant_person_id
    FROM complaints WHERE received >= :since
)
-- For each complaint, the complaints received in the twelve months ending with it.
SELECT last.subject_staff_id,
       -- Anonymous complainants (no person record) count as complaints but name nobody.
       coalesce(list_sort(list(DISTINCT prior.complainant_person_id)
                          FILTER (WHERE prior.complainant_person_id IS NOT NULL)), CAST([] AS VARCHAR[]))
           AS person_ids,
       min(prior.received) AS window_start,
       last.received AS window_end,
       last.received AS alerted_at,
       round(count(*) + 1.5 * sum(CASE WHEN prior.allegation IN ('sexual_conduct', 'abuse_of_position') THEN 1 ELSE 0 END)
             + 0.5 * count(DISTINCT prior.complainant_person_id), 3) AS score,
       list_sort(list('complaints:' || prior.complaint_id)) AS evidence,
       count(*) || ' complaints in twelve months, '
           || sum(CASE WHEN prior.allegation IN ('sexual_conduct', 'abuse_of_position') THEN 1 ELSE 0 END)
           || ' of sexual conduct or abuse of position, from ' || count(DISTINCT prior.complainant_person_id)
           || ' complainants' AS summary
FROM c last
JOIN c prior ON prior.subject_staff_id = last.subject_staff_id
            AND prior.received <= last.received
            AND prior.received > last.received - INTERVAL (:window_days) DAY
GROUP BY last.subject_staff_id, last.complaint_id, last.received
HAVING count(*) >= :min_complaints
