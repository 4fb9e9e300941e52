-- id = "amplifiers"
-- title = "Amplifiers: lapsed vetting, no APSP training, no integrity review, single-crewed contact with vulnerable people"
-- red_flags = [13]
-- seed_case = "National checklist for forces (2021); APSP case studies 1, 5, 7 and 10"
-- category = "vulnerability"
-- weight = 0.5
-- lookback_days = 0
-- kind = "amplifier"
-- key = ["subject_staff_id"]
-- feeds = ["staff"]
-- alert = "One alert per member of staff (an amplifier, not for triage): a finding on the first day of data, and on each later day an amplifier began to apply, lists every amplifier applying that day."
-- reading = """Not misconduct and never a triage alert: context the risk matrix uses to weigh other signals.
-- The evidence names the staff record; the summary lists which amplifiers apply as of the latest change within
-- the data (each is judged as of its day, from the staff record as it stands). A date no staff record holds
-- (vetting expiry, APSP training, integrity review) is one the force does not deliver: it is "not known" in
-- the summary and never fires, instead of reading as absent for everyone."""
-- [parameters.training_years]
-- value = 2
-- why = "The national learning asks that APSP training be 'repeated regularly'; two years is judgement."
-- [parameters.review_months]
-- value = 13
-- source = "seed"
-- why = "The Vetting APP 'requires supervisors to complete an annual integrity and vetting review' (seed 002); a month's grace."
WITH serving AS (
    SELECT s.staff_id, s.vetting_expiry, s.apsp_training_date, s.integrity_review_date,
           s.role IN ('pcso', 'special_constable') OR t.unit_type IN ('neighbourhood', 'public_protection')
               AS lone_contact_role
    FROM staff s LEFT JOIN teams t ON t.team_id = s.team_id
    WHERE s.leaving_date IS NULL
),
-- A date nobody's record holds is one the force does not deliver: not known, never read as absent.
known AS (
    SELECT count(vetting_expiry) > 0 AS vetting_known, count(apsp_training_date) > 0 AS training_known,
           count(integrity_review_date) > 0 AS review_known
    FROM staff
),
-- The days on which what applies can change: the first day of data, and each day an amplifier starts.
changes AS (
    SELECT staff_id, :first_day AS day FROM serving
    UNION SELECT staff_id, CAST(vetting_expiry + INTERVAL 1 DAY AS DATE) FROM serving
        WHERE vetting_expiry IS NOT NULL
    UNION SELECT staff_id, CAST(apsp_training_date + INTERVAL (:training_years * 365 + 1) DAY AS DATE) FROM serving
        WHERE apsp_training_date IS NOT NULL
    UNION SELECT staff_id, CAST(integrity_review_date + INTERVAL (:review_months * 30 + 1) DAY AS DATE) FROM serving
        WHERE integrity_review_date IS NOT NULL
),
flags AS (
    SELECT p.staff_id, c.day, p.lone_contact_role, k.vetting_known, k.training_known, k.review_known,
           p.vetting_expiry IS NOT NULL AND p.vetting_expiry < c.day AS lapsed_vetting,
           k.training_known AND (p.apsp_training_date IS NULL
               OR p.apsp_training_date < c.day - INTERVAL (:training_years * 365) DAY) AS no_training,
           k.review_known AND (p.integrity_review_date IS NULL
               OR p.integrity_review_date < c.day - INTERVAL (:review_months * 30) DAY) AS no_review
    FROM serving p JOIN changes c ON c.staff_id = p.staff_id
    CROSS JOIN known k
    WHERE c.day BETWEEN :first_day AND :last_day AND c.day >= :since
)
SELECT staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       CAST(day AS TIMESTAMPTZ) AS window_start,
       CAST(day AS TIMESTAMPTZ) AS window_end,
       CAST(day AS TIMESTAMPTZ) AS alerted_at,
       (CASE WHEN lapsed_vetting THEN 1 ELSE 0 END) + (CASE WHEN no_training THEN 1 ELSE 0 END)
           + (CASE WHEN no_review THEN 1 ELSE 0 END) + (CASE WHEN lone_contact_role THEN 0.5 ELSE 0 END) AS score,
       ['staff:' || staff_id] AS evidence,
       concat_ws(', ', CASE WHEN lapsed_vetting THEN 'vetting lapsed' END,
                 CASE WHEN no_training THEN 'no APSP training recorded in the period' END,
                 CASE WHEN no_review THEN 'no integrity review in the last year' END,
                 CASE WHEN lone_contact_role THEN 'role with lone contact with vulnerable people' END,
                 CASE WHEN NOT vetting_known THEN 'vetting expiry not known' END,
                 CASE WHEN NOT training_known THEN 'APSP training not known' END,
                 CASE WHEN NOT review_known THEN 'integrity review not known' END) AS summary
FROM flags
WHERE lapsed_vetting OR no_training OR no_review
