-- id = "dwell_near_home"
-- title = "Vehicle or terminal repeatedly stopping near the home of someone met through duty, when not deployed there"
-- red_flags = [3]
-- seed_case = "APSP case study 2 (four stops near her home); APSP case study 10 (MDT GPS, several occasions)"
-- category = "sexual_misconduct"
-- weight = 3.0
-- lookback_days = 150
-- lookahead_days = 1
-- key = ["subject_staff_id", "person_ids"]
-- feeds = ["positions", "duties", "incidents", "incident_staff", "incident_people", "people", "staff"]
-- alert = "One alert per member of staff and person met through duty: each day of a stay that makes two or more occasions within sixty days adds to it."
-- reading = """One alert per member of staff and person. The evidence is position fixes forming stays, on
-- separate days within sixty days of one another, of ten minutes or more within 100 m of the person's home, on duty, at a time the member of staff was not assigned
-- to any incident within 250 m, and not at the start or end of the shift. The person was met through duty
-- before the first stay. Officers living or stationed near a victim do not alert: stays at shift start and end
-- are excluded, a stay must be on separate occasions, and a stay at a shared stopping place (where several
-- other officers also paused off deployment in the previous 90 days: a station yard, a standby point, a
-- town centre) does not count, because a pause there says nothing about who lives nearby."""
-- [parameters.min_minutes]
-- value = 40
-- why = "Passing patrols pause briefly in busy streets; forty minutes in all at one home is a visit (APSP 3: 'a couple of hours')."
-- [parameters.min_occasions]
-- value = 2
-- source = "seed"
-- why = "'Repeatedly': APSP case study 2 found four stops, APSP case study 10 'several occasions'; two separate days is the first repeat."
-- [parameters.max_other_staff]
-- value = 5
-- why = "A place where more than five other officers paused off deployment in the previous 90 days is a shared stopping place. On two simulated years, most benign stays near a met person's home were at places sixty or more officers used; the visits of the case studies were at places one to three used."
-- [parameters.window_days]
-- value = 60
-- why = "Occasions count together within two months of each other: APSP case study 2's four stops came within weeks. The shared-place check looks 90 days further back, so the look-back is 150 days; stays can run past midnight, so the look-ahead is a day."
WITH near AS (
    SELECT *, floor(lat / 0.0009) AS cell_lat, floor(lon / 0.0014) AS cell_lon
    FROM stays_near_met WHERE started >= :since
),
cells AS (
    SELECT staff_id, started, lat, lon, floor(lat / 0.0009) AS cell_lat, floor(lon / 0.0014) AS cell_lon
    FROM undeployed_stays
),
-- Every other stay under the keys of its own grid cell (about 100 by 100 m) and the eight around it, so that
-- "within 100 m" is an equality join on the key. Written out as a union, not a join with a table of
-- offsets: with three tables the planner may pair stays by time alone first, and that takes minutes.
others AS (
    SELECT staff_id, started, lat, lon, cell_lat - 1 AS key_lat, cell_lon - 1 AS key_lon FROM cells
    UNION ALL SELECT staff_id, started, lat, lon, cell_lat - 1 AS key_lat, cell_lon AS key_lon FROM cells
    UNION ALL SELECT staff_id, started, lat, lon, cell_lat - 1 AS key_lat, cell_lon + 1 AS key_lon FROM cells
    UNION ALL SELECT staff_id, started, lat, lon, cell_lat AS key_lat, cell_lon - 1 AS key_lon FROM cells
    UNION ALL SELECT staff_id, started, lat, lon, cell_lat AS key_lat, cell_lon AS key_lon FROM cells
    UNION ALL SELECT staff_id, started, lat, lon, cell_lat AS key_lat, cell_lon + 1 AS key_lon FROM cells
    UNION ALL SELECT staff_id, started, lat, lon, cell_lat + 1 AS key_lat, cell_lon - 1 AS key_lon FROM cells
    UNION ALL SELECT staff_id, started, lat, lon, cell_lat + 1 AS key_lat, cell_lon AS key_lon FROM cells
    UNION ALL SELECT staff_id, started, lat, lon, cell_lat + 1 AS key_lat, cell_lon + 1 AS key_lon FROM cells
),
shared AS (
    SELECT n.staff_id, n.device_id, n.stay_no, count(DISTINCT o.staff_id) AS other_staff
    FROM near n
    JOIN others o ON o.key_lat = n.cell_lat AND o.key_lon = n.cell_lon
    WHERE o.staff_id <> n.staff_id
      AND o.started < n.started AND o.started >= n.started - INTERVAL 90 DAY
      AND abs(o.lat - n.lat) < 0.0009 AND abs(o.lon - n.lon) < 0.0014
    GROUP BY n.staff_id, n.device_id, n.stay_no
),
occasions AS (
    SELECT n.staff_id, n.person_id, CAST(n.started AS DATE) AS day, min(n.started) AS first_at,
           max(n.ended) AS last_at, sum(n.minutes) AS minutes,
           list('positions:' || n.device_id || '@' || CAST(n.started AS VARCHAR)) AS evidence
    FROM near n
    LEFT JOIN shared sh ON sh.staff_id = n.staff_id AND sh.device_id = n.device_id AND sh.stay_no = n.stay_no
    WHERE coalesce(sh.other_staff, 0) <= :max_other_staff
    GROUP BY n.staff_id, n.person_id, CAST(n.started AS DATE)
),
running AS (
    SELECT *, count(*) OVER w AS occasions_in_window, sum(minutes) OVER w AS minutes_in_window
    FROM occasions
    WINDOW w AS (PARTITION BY staff_id, person_id ORDER BY epoch(first_at) RANGE BETWEEN :window_days * 86400 PRECEDING
                 AND CURRENT ROW)
),
days AS (
    SELECT staff_id, person_id, day, first_at AS alerted_at FROM running
    WHERE occasions_in_window >= :min_occasions AND minutes_in_window >= :min_minutes
)
SELECT d.staff_id AS subject_staff_id,
       [d.person_id] AS person_ids,
       min(o.first_at) AS window_start,
       max(o.last_at) AS window_end,
       d.alerted_at,
       round(count(*) * (1 + 0.5 * least(max(pr.vulnerabilities), 2)) + sum(o.minutes) / 60.0, 3) AS score,
       list_sort(flatten(list(o.evidence))) AS evidence,
       count(*) || ' occasions, ' || sum(o.minutes) || ' minutes in all, near the home of a person met on duty'
           AS summary
FROM days d
JOIN occasions o ON o.staff_id = d.staff_id AND o.person_id = d.person_id
                AND epoch(o.first_at) BETWEEN epoch(d.alerted_at) - :window_days * 86400 AND epoch(d.alerted_at)
JOIN person_risk pr ON pr.person_id = d.person_id
GROUP BY d.staff_id, d.person_id, d.day, d.alerted_at
