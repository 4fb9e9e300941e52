-- id = "dwell_near_home"
-- title = "Vehicle or terminal repeatedly stopping near the home of someone met through duty, when not deployed there"
-- red_flags = [3]
-- seed_case = "APSP case study 2 (four stops near her home); APSP case study 10 (MDT GPS, several occasions)"
-- category = "sexual_misconduct"
-- weight = 3.0
-- lookback_days = 90
-- key = ["subject_staff_id", "person_ids"]
-- reading = """One alert per member of staff and person. The evidence is position fixes forming stays of ten
-- minutes or more within 150 m of the person's home, on duty, at a time the member of staff was not assigned
-- to any incident within 250 m, and not at the start or end of the shift. The person was met through duty
-- before the first stay. Officers living or stationed near a victim do not alert: stays at shift start and end
-- are excluded and a stay must be on separate occasions."""
-- [parameters.min_minutes]
-- value = 40
-- why = "Passing patrols pause briefly in busy streets; forty minutes in all at one home is a visit (APSP 3: 'a couple of hours')."
-- [parameters.min_occasions]
-- value = 2
-- source = "seed"
-- why = "'Repeatedly': APSP case study 2 found four stops, APSP case study 10 'several occasions'; two separate days is the first repeat."
WITH occasions AS (
    SELECT staff_id, person_id, CAST(started AS DATE) AS day, min(started) AS first_at, max(ended) AS last_at,
           sum(minutes) AS minutes, list('positions:' || device_id || '@' || CAST(started AS VARCHAR)) AS evidence
    FROM stays_near_met
    WHERE started >= :since
    GROUP BY staff_id, person_id, CAST(started AS DATE)
),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY staff_id, person_id ORDER BY first_at) AS n FROM occasions
)
SELECT n.staff_id AS subject_staff_id,
       [n.person_id] AS person_ids,
       min(n.first_at) AS window_start,
       max(n.last_at) AS window_end,
       max(CASE WHEN n.n = :min_occasions THEN n.first_at END) AS alerted_at,
       round(count(*) * (1 + 0.5 * least(max(pr.vulnerabilities), 2)) + sum(n.minutes) / 60.0, 3) AS score,
       list_sort(flatten(list(n.evidence))) AS evidence,
       count(*) || ' occasions, ' || sum(n.minutes) || ' minutes in all, near the home of a person met on duty'
           AS summary
FROM numbered n JOIN person_risk pr ON pr.person_id = n.person_id
GROUP BY n.staff_id, n.person_id
HAVING count(*) >= :min_occasions AND sum(n.minutes) >= :min_minutes
