-- id = "message_volume"
-- title = "Contact with members of the public far above role peers, outside any case the officer is working"
-- red_flags = [2]
-- seed_case = "corruption case study 3 (1704 messages in 12 months); APSP case study 2 (billing 'more than would reasonably be expected of someone in his role')"
-- category = "sexual_misconduct"
-- weight = 2.5
-- lookback_days = 56
-- key = ["subject_staff_id"]
-- reading = """One alert per member of staff. Counts calls and messages with members of the public that no
-- current policing purpose explains (not a person in a case the member of staff is working), per four-week
-- window, and compares them with everyone else in the same role that window. The evidence is the contacts in
-- the window that crossed the line; the summary gives the count, the peers' mean and how many standard
-- deviations above it. Officers in charge phoning their victims, and neighbourhood officers with many
-- community contacts, are compared with peers doing the same work."""
-- [parameters.min_contacts]
-- value = 40
-- why = "Ten unexplained contacts a week; below that a peer comparison is noise. 1704 in 12 months is about 130 in four weeks."
-- [parameters.z]
-- value = 4.0
-- why = "Four standard deviations above role peers: far above, not merely busy."
WITH unexplained AS (
    SELECT pc.staff_id, pc.comm_id, pc.occurred_at,
           CAST(floor((epoch(pc.occurred_at) / 86400 + 3) / 7) AS BIGINT) AS week
    FROM public_comms pc
    LEFT JOIN met m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id
                   AND pc.occurred_at BETWEEN m.first_met AND m.purpose_until
    WHERE pc.occurred_at >= :since AND m.staff_id IS NULL
),
weekly AS (
    SELECT staff_id, week, count(*) AS n FROM unexplained GROUP BY staff_id, week
),
rolling AS (
    SELECT w.staff_id, w.week, s.role,
           sum(w.n) OVER (PARTITION BY w.staff_id ORDER BY w.week RANGE BETWEEN 3 PRECEDING AND CURRENT ROW) AS n4
    FROM weekly w JOIN staff s ON s.staff_id = w.staff_id
),
peers AS (
    SELECT role, week, avg(n4) AS mean4, stddev_samp(n4) AS sd4, count(*) AS peers FROM rolling GROUP BY role, week
),
over AS (
    SELECT r.*, p.mean4, p.sd4, (r.n4 - p.mean4) / nullif(p.sd4, 0) AS z
    FROM rolling r JOIN peers p ON p.role = r.role AND p.week = r.week
    WHERE r.n4 >= :min_contacts AND p.peers >= 5 AND (r.n4 - p.mean4) / nullif(p.sd4, 0) >= :z
),
firsts AS (
    SELECT staff_id, min(week) AS first_week, max(week) AS last_week, max(n4) AS peak, max(z) AS z,
           arg_max(mean4, n4) AS mean4
    FROM over GROUP BY staff_id
)
SELECT f.staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       min(u.occurred_at) AS window_start,
       max(u.occurred_at) AS window_end,
       max(CASE WHEN u.week <= f.first_week THEN u.occurred_at END) AS alerted_at,
       round(f.z, 3) AS score,
       list_sort(list('communications:' || u.comm_id)) AS evidence,
       f.peak || ' unexplained contacts with the public in four weeks against a role mean of ' || round(f.mean4, 1)
           || ' (' || round(f.z, 1) || ' standard deviations above peers)' AS summary
FROM firsts f
JOIN unexplained u ON u.staff_id = f.staff_id AND u.week BETWEEN f.first_week - 3 AND f.last_week
GROUP BY f.staff_id, f.first_week, f.z, f.peak, f.mean4
