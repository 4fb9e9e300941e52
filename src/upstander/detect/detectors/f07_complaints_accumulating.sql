-- id = "complaints_accumulating"
-- title = "Three or more complaints within twelve months"
-- red_flags = [7]
-- seed_case = "APSP case study 5"
-- category = "sexual_misconduct"
-- weight = 1.5
-- lookback_days = 365
-- key = ["subject_staff_id", "window_start"]
-- reading = """One alert per member of staff and run of complaints. The evidence is the complaints received in
-- the twelve months up to the alert, whatever their outcome (APSP case study 5's force screens every
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
),
runs AS (
    -- For each complaint, the complaints received in the window ending with it.
    SELECT last.subject_staff_id, last.complaint_id AS last_id, last.received AS alerted_at,
           count(*) AS n,
           min(prior.received) AS window_start,
           count(DISTINCT prior.complainant_person_id) AS complainants,
           sum(CASE WHEN prior.allegation IN ('sexual_conduct', 'abuse_of_position') THEN 1 ELSE 0 END) AS sexual,
           list_sort(list('complaints:' || prior.complaint_id)) AS evidence,
           -- Anonymous complainants (no person record) count as complaints but name nobody.
           coalesce(list_sort(list(DISTINCT prior.complainant_person_id)
                              FILTER (WHERE prior.complainant_person_id IS NOT NULL)), CAST([] AS VARCHAR[]))
               AS person_ids
    FROM c last
    JOIN c prior ON prior.subject_staff_id = last.subject_staff_id
                AND prior.received <= last.received
                AND prior.received > last.received - INTERVAL (:window_days) DAY
    GROUP BY last.subject_staff_id, last.complaint_id, last.received
    HAVING count(*) >= :min_complaints
),
first_run AS (
    -- The first complaint that completes each run; later complaints extend the same alert.
    SELECT *, row_number() OVER (PARTITION BY subject_staff_id ORDER BY alerted_at) AS k FROM runs
)
SELECT subject_staff_id,
       person_ids,
       window_start,
       (SELECT max(r2.alerted_at) FROM runs r2 WHERE r2.subject_staff_id = f.subject_staff_id) AS window_end,
       alerted_at,
       round(n + 1.5 * sexual + 0.5 * complainants, 3) AS score,
       evidence,
       n || ' complaints in twelve months, ' || sexual || ' of sexual conduct or abuse of position, from '
           || complainants || ' complainants' AS summary
FROM first_run f
WHERE k = 1
