-- id = "message_volume"
-- title = "Contact with members of the public far above role peers, outside any case the officer is working"
-- red_flags = [2]
-- seed_case = "corruption case study 3 (1704 messages in 12 months); APSP case study 2 (billing 'more than would reasonably be expected of someone in his role')"
-- category = "sexual_misconduct"
-- weight = 2.5
-- lookback_days = 56
-- lookahead_days = 1
-- key = ["subject_staff_id"]
-- feeds = ["communications", "staff"]
-- alert = "One alert per member of staff: each week (Monday to Sunday) in which their unexplained public contacts over the four weeks to its end stood far above their role peers adds to it."
-- reading = """One alert per member of staff. Counts calls and messages with members of the public that the
-- force's data does not explain, per four-week window, and compares them with everyone else in the same role
-- that window, whose counts leave out explained work in the same way. Explained (`explained_contacts`): a
-- person the member of staff met through duty while that purpose lasted (an incident, a detention), a person
-- in a case their team holds, contacted on duty (a domestic abuse specialist phoning the victims of her unit's
-- cases neither alerts nor lifts the peers' mean), or a shared work line such as a partner agency's. A week
-- is judged when it is over (or at the end of the data, and again when more of it arrives), so the alert time
-- is the end of the first week that crossed the line. The evidence is the contacts in the windows that crossed
-- the line; the summary gives the count, the peers' mean and how many standard deviations above it. An
-- involvement explains contact from a day before it began (the call that led to the job), so findings look a
-- day ahead; whether a line is shared is judged on the 28 days before each contact, inside the look-back."""
-- [parameters.min_contacts]
-- value = 40
-- why = "Ten unexplained contacts a week; below that a peer comparison is noise. 1704 in 12 months is about 130 in four weeks."
-- [parameters.z]
-- value = 4.0
-- why = "Four standard deviations above role peers: far above, not merely busy."
WITH unexplained AS (
    SELECT pc.staff_id, pc.comm_id, pc.occurred_at,
           CAST(floor((epoch(pc.occurred_at) / 86400 + 3) / 7) AS BIGINT) AS week
    FROM explained_contacts pc
    WHERE pc.occurred_at >= :since AND pc.explanation IS NULL
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
)
SELECT o.staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       min(u.occurred_at) AS window_start,
       max(u.occurred_at) AS window_end,
       -- The last second of the week (epoch day 0 was a Thursday: weeks start on Mondays), or of the data.
       least(CAST(DATE '1970-01-05' + INTERVAL (7 * o.week) DAY AS TIMESTAMPTZ) - INTERVAL 1 SECOND,
             CAST(:last_day + INTERVAL 1 DAY AS TIMESTAMPTZ) - INTERVAL 1 SECOND) AS alerted_at,
       round(o.z, 3) AS score,
       list_sort(list('communications:' || u.comm_id)) AS evidence,
       o.n4 || ' unexplained contacts with the public in four weeks against a role mean of ' || round(o.mean4, 1)
           || ' (' || round(o.z, 1) || ' standard deviations above peers)' AS summary
FROM over o
JOIN unexplained u ON u.staff_id = o.staff_id AND u.week BETWEEN o.week - 3 AND o.week
GROUP BY o.staff_id, o.week, o.z, o.n4, o.mean4
