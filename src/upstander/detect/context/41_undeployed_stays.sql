-- Stays of each member of staff on duty that no deployment explains: not at an incident they were assigned to
-- at the time (within 250 m), and not at the start or end of the shift (parked at the station).
-- keep: by started, from 2 days before the dirty day
-- (a kept stay lies inside one duty, of at most 24 hours, and an involvement that began on the dirty day
-- deploys a stay that ended up to 30 minutes before it; a re-derived stay refreshes from its own start)
WITH staff_stays AS (
    SELECT d.staff_id, d.duty_id, d.starts_at, d.ends_at, s.*
    FROM stays s
    JOIN duties d ON s.source = 'avl' AND d.vehicle_id = s.device_id
                 AND s.started >= d.starts_at AND s.started < d.ends_at
    UNION ALL
    SELECT d.staff_id, d.duty_id, d.starts_at, d.ends_at, s.*
    FROM stays s
    JOIN staff_devices sd ON s.source = 'mdt' AND sd.device_id = s.device_id
    JOIN duties d ON d.staff_id = sd.staff_id AND s.started >= d.starts_at AND s.started < d.ends_at
),
deployed AS (
    SELECT DISTINCT ss.staff_id, ss.device_id, ss.stay_no
    FROM staff_stays ss
    JOIN incident_staff i ON i.staff_id = ss.staff_id
         AND i.involvement IN ('attending', 'owner', 'investigator')
         AND i.started_at <= ss.ended + INTERVAL 30 MINUTE
         AND coalesce(i.ended_at, i.started_at + INTERVAL 4 HOUR) >= ss.started - INTERVAL 30 MINUTE
    JOIN incidents inc ON inc.incident_id = i.incident_id
         AND abs(inc.lat - ss.lat) < 0.00225 AND abs(inc.lon - ss.lon) < 0.0036
)
SELECT ss.*,
       date_diff('minute', ss.started, ss.ended) AS minutes
FROM staff_stays ss
LEFT JOIN deployed dp ON dp.staff_id = ss.staff_id AND dp.device_id = ss.device_id AND dp.stay_no = ss.stay_no
WHERE dp.staff_id IS NULL
  AND ss.started > ss.starts_at + INTERVAL 20 MINUTE
  AND ss.ended < ss.ends_at - INTERVAL 20 MINUTE
