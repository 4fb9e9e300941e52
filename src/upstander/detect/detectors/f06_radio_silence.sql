-- id = "radio_silence"
-- title = "Radio silence during an undeployed stop near the home of someone met through duty"
-- red_flags = [6, 3]
-- seed_case = "APSP case studies 2, 3 and 10; seed 002 red flags ('radio silence while on duty'); seed 000 ('disappears on duty or not reachable via radio')"
-- category = "sexual_misconduct"
-- weight = 2.5
-- lookback_days = 90
-- lookahead_days = 1
-- key = ["subject_staff_id", "person_ids"]
-- feeds = ["radio", "positions", "duties", "incidents", "incident_staff", "incident_people", "people", "staff"]
-- alert = "One alert per member of staff and person met through duty: each day on which a silent stop, or contact outside the policing purpose, completes the pattern within sixty days adds to it."
-- reading = """One alert per member of staff and person. Each occasion in the evidence is an on-duty stop of at
-- least half an hour near the person's home, not deployed there, during which the member of staff went at least
-- twenty minutes without a radio status: the longest gap between consecutive statuses, counting the stop's
-- start and end as bounds, so that one status in the middle of an hour's stop does not hide the silence on
-- either side of it. Routine gaps between jobs do not alert on their own: the silence must coincide with an
-- unexplained stop at a home (red flag 3), and either recur or come with work-phone contact with that person
-- outside the policing purpose (red flag 1), within sixty days of each other. A stop may run past midnight: a
-- day's look-ahead."""
-- [parameters.min_minutes]
-- value = 30
-- why = "Half an hour stopped at someone's home, not deployed there, is unaccounted time; shorter pauses near a home are common on patrol."
-- [parameters.min_silence_minutes]
-- value = 20
-- why = "Response crews give a status at each change (en route, at scene, available); twenty minutes with none while stopped at a home is longer than a routine pause between them, and short enough that a single status halfway through an hour's stop (two silences of half an hour) does not hide it (APSP case study 3's visits lasted hours)."
-- [parameters.window_days]
-- value = 60
-- why = "Silent stops and the contact that goes with them count together within two months (APSP case study 2: the visits and texts came within weeks)."
WITH stops AS (
    SELECT s.*, epoch(s.started) AS t0, epoch(s.ended) AS t1
    FROM stays_near_met s
    WHERE s.started >= :since AND s.minutes >= :min_minutes
),
marks AS (
    -- The stop's start and end, and every radio status of the member of staff during it.
    SELECT staff_id, device_id, stay_no, person_id, t0 AS t FROM stops
    UNION ALL
    SELECT staff_id, device_id, stay_no, person_id, t1 FROM stops
    UNION ALL
    SELECT s.staff_id, s.device_id, s.stay_no, s.person_id, epoch(r.occurred_at)
    FROM stops s JOIN radio r ON r.staff_id = s.staff_id AND r.occurred_at BETWEEN s.started AND s.ended
),
gaps AS (
    SELECT staff_id, device_id, stay_no, person_id,
           t - lag(t) OVER (PARTITION BY staff_id, device_id, stay_no, person_id ORDER BY t) AS gap
    FROM marks
),
silent AS (
    SELECT s.*, CAST(floor(g.longest / 60) AS INTEGER) AS silent_minutes
    FROM stops s
    JOIN (SELECT staff_id, device_id, stay_no, person_id, max(gap) AS longest
          FROM gaps GROUP BY staff_id, device_id, stay_no, person_id) g
      ON g.staff_id = s.staff_id AND g.device_id = s.device_id AND g.stay_no = s.stay_no AND g.person_id = s.person_id
    WHERE g.longest >= :min_silence_minutes * 60
),
outside AS (
    -- Contact with the person after meeting them, at a moment no involvement's purpose covered.
    SELECT pc.staff_id, pc.person_id, pc.comm_id, pc.occurred_at
    FROM public_comms pc
    JOIN met_spans m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id AND m.met_at < pc.occurred_at
    WHERE pc.occurred_at >= :since
    GROUP BY pc.staff_id, pc.person_id, pc.comm_id, pc.occurred_at
    HAVING max(CASE WHEN pc.occurred_at <= m.purpose_until THEN 1 ELSE 0 END) = 0
),
events AS (
    SELECT staff_id, person_id, started AS event_at, 1 AS stop FROM silent
    UNION ALL
    SELECT o.staff_id, o.person_id, o.occurred_at, 0 FROM outside o
    WHERE EXISTS (SELECT 1 FROM silent s WHERE s.staff_id = o.staff_id AND s.person_id = o.person_id)
),
running AS (
    SELECT *, epoch(event_at) AS t, sum(stop) OVER w AS stops, sum(1 - stop) OVER w AS contacts
    FROM events
    WINDOW w AS (PARTITION BY staff_id, person_id ORDER BY epoch(event_at)
                 RANGE BETWEEN :window_days * 86400 PRECEDING AND CURRENT ROW)
),
days AS (
    SELECT staff_id, person_id, CAST(event_at AS DATE) AS day, min(event_at) AS alerted_at, min(t) AS first_t, max(t) AS last_t
    FROM running WHERE stops >= 2 OR (stops >= 1 AND contacts >= 1)
    GROUP BY staff_id, person_id, CAST(event_at AS DATE)
)
SELECT d.staff_id AS subject_staff_id,
       [d.person_id] AS person_ids,
       min(s.started) AS window_start,
       max(s.ended) AS window_end,
       d.alerted_at,
       round(count(*) + sum(s.silent_minutes) / 60.0, 3) AS score,
       list_sort(list('positions:' || s.device_id || '@' || CAST(s.started AS VARCHAR))) AS evidence,
       CASE WHEN count(*) = 1
            THEN '1 stop near the person''s home with no radio status for ' || max(s.silent_minutes) || ' minutes'
            ELSE count(*) || ' stops near the person''s home, each with no radio status for '
                 || CASE WHEN min(s.silent_minutes) = max(s.silent_minutes) THEN CAST(max(s.silent_minutes) AS VARCHAR)
                         ELSE min(s.silent_minutes) || ' to ' || max(s.silent_minutes) END
                 || ' minutes' END
       -- One silent stop alerts only with contact outside the policing purpose in the same sixty days.
       || CASE WHEN count(*) = 1 THEN ', and work-phone contact with them outside the policing purpose' ELSE '' END
           AS summary
FROM days d
JOIN silent s ON s.staff_id = d.staff_id AND s.person_id = d.person_id
             AND epoch(s.started) BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.person_id, d.day, d.alerted_at
