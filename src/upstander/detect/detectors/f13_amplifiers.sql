-- id = "amplifiers"
-- title = "Amplifiers: lapsed vetting, no APSP training, no integrity review, single-crewed contact with vulnerable people"
-- red_flags = [13]
-- seed_case = "National checklist for forces (2021); APSP case studies 1, 5, 7 and 10"
-- category = "vulnerability"
-- weight = 0.5
-- lookback_days = 0
-- kind = "amplifier"
-- key = ["subject_staff_id"]
-- reading = """Not misconduct and never a triage alert: context the risk matrix uses to weigh other signals.
-- The evidence names the staff record; the summary lists which amplifiers apply as of the latest data."""
-- [parameters.training_years]
-- value = 2
-- why = "The national learning asks that APSP training be 'repeated regularly'; two years is judgement."
-- [parameters.review_months]
-- value = 13
-- source = "seed"
-- why = "The Vetting APP 'requires supervisors to complete an annual integrity and vetting review' (seed 002); a month's grace."
WITH latest AS (SELECT max(occurred_at) AS t FROM audit),
flags AS (
    SELECT s.staff_id,
           s.vetting_expiry IS NOT NULL AND s.vetting_expiry < CAST(a.t AS DATE) AS lapsed_vetting,
           s.apsp_training_date IS NULL
               OR s.apsp_training_date < CAST(a.t AS DATE) - INTERVAL (:training_years * 365) DAY AS no_training,
           s.integrity_review_date IS NULL
               OR s.integrity_review_date < CAST(a.t AS DATE) - INTERVAL (:review_months * 30) DAY AS no_review,
           s.role IN ('pcso', 'special_constable') OR t.unit_type IN ('neighbourhood', 'public_protection')
               AS lone_contact_role,
           a.t
    FROM staff s JOIN teams t ON t.team_id = s.team_id CROSS JOIN latest a
    WHERE s.leaving_date IS NULL
)
SELECT staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       t AS window_start,
       t AS window_end,
       t AS alerted_at,
       (CASE WHEN lapsed_vetting THEN 1 ELSE 0 END) + (CASE WHEN no_training THEN 1 ELSE 0 END)
           + (CASE WHEN no_review THEN 1 ELSE 0 END) + (CASE WHEN lone_contact_role THEN 0.5 ELSE 0 END) AS score,
       ['staff:' || staff_id] AS evidence,
       concat_ws(', ', CASE WHEN lapsed_vetting THEN 'vetting lapsed' END,
                 CASE WHEN no_training THEN 'no APSP training recorded in the period' END,
                 CASE WHEN no_review THEN 'no integrity review in the last year' END,
                 CASE WHEN lone_contact_role THEN 'role with lone contact with vulnerable people' END) AS summary
FROM flags
WHERE lapsed_vetting OR no_training OR no_review
