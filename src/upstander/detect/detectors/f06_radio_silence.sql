-- id = "radio_silence"
-- title = "Radio silence during an undeployed stop near the home of someone met through duty"
-- red_flags = [6, 3]
-- seed_case = "APSP case studies 2, 3 and 10; seed 002 red flags ('radio silence while on duty'); seed 000 ('disappears on duty or not reachable via radio')"
-- category = "sexual_misconduct"
-- weight = 2.5
-- lookback_days = 90
-- key = ["subject_staff_id", "person_ids"]
-- reading = """One alert per member of staff and person. Each occasion in the evidence is an on-duty stop of at
-- least twenty minutes near the person's home, not deployed there, during which the member of staff sent no
-- radio status from ten minutes before to ten minutes after. Routine gaps between jobs do not alert on their
-- own: the silence must coincide with an unexplained stop at a home (red flag 3), and either recur or come
-- with work-phone contact with that person outside the policing purpose (red flag 1)."""
-- [parameters.min_minutes]
-- value = 30
-- why = "Response radios are quiet between jobs, so a short silence means little; half an hour silent at someone's home is unaccounted time."
WITH silent AS (
    SELECT s.*
    FROM stays_near_met s
    WHERE s.started >= :since AND s.minutes >= :min_minutes
      AND NOT EXISTS (SELECT 1 FROM radio r WHERE r.staff_id = s.staff_id
                      AND r.occurred_at BETWEEN s.started - INTERVAL 10 MINUTE AND s.ended + INTERVAL 10 MINUTE)
)
SELECT s.staff_id AS subject_staff_id,
       [s.person_id] AS person_ids,
       min(started) AS window_start,
       max(ended) AS window_end,
       min(started) AS alerted_at,
       round(count(*) + sum(minutes) / 60.0, 3) AS score,
       list_sort(list('positions:' || device_id || '@' || CAST(started AS VARCHAR))) AS evidence,
       count(*) || ' silent stops, ' || sum(minutes) || ' minutes with no radio status' AS summary
FROM silent s
LEFT JOIN (SELECT DISTINCT pc.staff_id, pc.person_id FROM public_comms pc
           JOIN met m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id
           WHERE pc.occurred_at > m.purpose_until) outside
       ON outside.staff_id = s.staff_id AND outside.person_id = s.person_id
GROUP BY s.staff_id, s.person_id
HAVING count(*) >= 2 OR count(outside.staff_id) > 0
