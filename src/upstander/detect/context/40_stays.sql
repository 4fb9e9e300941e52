-- Stay-points: runs of stationary position fixes of one device, no more than 15 minutes apart and within
-- about 100 metres of each other, lasting at least 10 minutes. Plain SQL (window functions), no extensions.
WITH still AS (
    SELECT source, device_id, recorded_at, lat, lon
    FROM positions
    WHERE recorded_at >= :since AND coalesce(speed_kph, 0) < 2
),
marked AS (
    SELECT *,
           CASE WHEN lag(recorded_at) OVER w IS NULL
                  OR recorded_at - lag(recorded_at) OVER w > INTERVAL 15 MINUTE
                  OR abs(lat - lag(lat) OVER w) > 0.0009
                  OR abs(lon - lag(lon) OVER w) > 0.0014 THEN 1 ELSE 0 END AS new_stay
    FROM still
    WINDOW w AS (PARTITION BY source, device_id ORDER BY recorded_at)
),
numbered AS (
    SELECT *, sum(new_stay) OVER (PARTITION BY source, device_id ORDER BY recorded_at
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stay_no
    FROM marked
)
SELECT source, device_id, stay_no, min(recorded_at) AS started, max(recorded_at) AS ended,
       avg(lat) AS lat, avg(lon) AS lon, count(*) AS fixes
FROM numbered
GROUP BY source, device_id, stay_no
HAVING max(recorded_at) - min(recorded_at) >= INTERVAL 10 MINUTE
