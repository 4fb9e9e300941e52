-- What makes contact with a person sensitive: vulnerability markers and watched records.
SELECT p.person_id,
       p.home_uprn,
       p.home_lat,
       p.home_lon,
       p.surname,
       coalesce(array_length(p.vulnerabilities), 0) AS vulnerabilities,
       coalesce(array_contains(p.vulnerabilities, 'domestic_abuse_victim'), false) AS domestic_abuse_victim,
       p.age_band = '0-17' AS child,
       w.reason AS watch_reason
FROM people p
LEFT JOIN (SELECT object_id, min(reason) AS reason FROM watches WHERE object_type = 'person' GROUP BY object_id) w
       ON w.object_id = p.person_id
