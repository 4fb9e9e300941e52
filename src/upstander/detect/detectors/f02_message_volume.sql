-- id = "message_volume"
-- title = "Contact with members of the public far above role peers, outside any case the officer is working"
-- red_flags = [2]
-- seed_case = "corruption case study 3 (1704 messages in 12 months); APSP case study 2 (billing 'more than would reasonably be expected of someone in his role')"
-- category = "sexual_misconduct"
-- weight = 2.5
-- lookback_days = 56
-- key = ["subject_staff_id"]
-- feeds = ["communications", "staff"]
-- alert = "One alert per member of staff: each week (Monday to Sunday) in which their unexplained public contacts over the four weeks to its end stood far above their role peers adds to it."
-- reading = """One alert per member of staff. Counts calls and messages with members of the public that no
-- current policing purpose explains (not a person in a case the member of staff is working), per four-week
-- window, and compares them with everyone else in the same role that window. A week is judged when it is
-- over (or at the end of the data, and again when more of it arrives), so the alert time is the end of the
-- first week that crossed the line. The evidence is the contacts in the windows that crossed the line; the summary gives the count, the peers' mean and how many standard
-- deviations above it. Officers in charge phoning their victims, and neighbourhood officers with many
-- community contacts, are compared with peers doing the same work."""
-- [parameters.min_contacts]
-- value = 40
-- why = "Ten unexplained contacts a week; below that a peer comparison is noise. 1704 in 12 months is about 130 in four weeks."
-- [parameters.z]
-- value = 4.0
-- why = "Four standard deviations above role peers: far above, not merely busy."
WITH unexplained AS (
    -- No involvement's purpose covers the contact at the moment it happened.
    SELECT pc.staff_id, pc.comm_id, pc.occurred_at,
           CAST(floor((epoch(pc.occurred_at) / 86400 + 3) / 7) AS BIGINT) AS week
    FROM public_comms pc
    LEFT JOIN met_spans m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id
                         AND pc.occurred_at BETWEEN m.met_at AND m.purpose_until
    WHERE pc.occurred_at >= :since AND m.staff_id IS NULL
    GROUP BY pc.staff_id, pc.comm_id, pc.occurred_at
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
