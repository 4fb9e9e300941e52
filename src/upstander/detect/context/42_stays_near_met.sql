-- Undeployed stays within 100 m of the home of someone the member of staff met through duty, in the four
-- months after they met (the case studies' visits follow the meeting by days or weeks; over a year an
-- officer meets hundreds of people, and patrols pause near some of their homes by chance). Distances use an equirectangular approximation, accurate to well under 1% across a county.
SELECT us.staff_id, us.duty_id, us.device_id, us.stay_no, us.started, us.ended, us.minutes, us.lat, us.lon,
       m.person_id, m.first_met,
       sqrt(power((us.lat - pr.home_lat) * 111.2, 2) + power((us.lon - pr.home_lon) * 69.5, 2)) AS km
FROM undeployed_stays us
JOIN met m ON m.staff_id = us.staff_id AND us.started > m.first_met
           AND us.started < m.first_met + INTERVAL 120 DAY
JOIN person_risk pr ON pr.person_id = m.person_id
WHERE abs(us.lat - pr.home_lat) < 0.0009 AND abs(us.lon - pr.home_lon) < 0.00144
  AND sqrt(power((us.lat - pr.home_lat) * 111.2, 2) + power((us.lon - pr.home_lon) * 69.5, 2)) < 0.1
