-- Each relationship through which a member of staff met a person on duty, with when they met and until when
-- that relationship's policing purpose lasted. Detectors ask "was there a purpose at this moment?" of these
-- spans, not of `met`'s overall first and last: a later incident with the same person must not explain contact
-- that came before it. `relationship` says which duty created the span (docs/detectors.md lists them):
-- | relationship | duty | who is met | met at | purpose until | seed case |
-- | incident (`incident`) | owner or investigator of an incident | everyone recorded on it | when both were on the record | the case closes, plus a week for closing contact | APSP case studies 1, 2, 8 and 10 |
-- | incident (`incident`) | call taker, dispatcher, attending officer or supervisor (the control room's callers are the people on the incident it took) | everyone recorded on it | when both were on the record | two days after their part began (call-backs, statements) | APSP case studies 2 and 10 |
-- | custody duty (`custody_duty`) | on custody duty at the suite (duty type custody, area the suite) during a detention | the detainee | the later of booking in and the duty's start | release, plus three days | APSP case study 7 |
-- | custody officer (`custody_officer`) | custody officer named on the custody record | the detainee | booking in | release, plus three days | APSP case study 7 |
-- | arresting officer (`arresting_officer`) | arresting officer named on the custody record | the detainee | an hour before booking in (the arrest) | release, plus three days | APSP case study 7 |
-- Front counter visits and safeguarding referrals are in no feed of the data contract; a force that delivers
-- them would add a relationship here. A detention with no release yet is taken to last two days, as in
-- `lookups`. Detentions are paired with custody duties by suite and day, so the join stays small.
WITH custody_days AS (
    SELECT c.person_id, c.incident_id, c.suite, c.booked_in,
           coalesce(c.released, c.booked_in + INTERVAL 2 DAY) AS until, cal.day
    FROM custody c
    JOIN uk_calendar cal ON cal.day BETWEEN CAST(c.booked_in AS DATE)
                                        AND CAST(coalesce(c.released, c.booked_in + INTERVAL 2 DAY) AS DATE)
),
duty_days AS (
    -- A duty lasts at most a day: it touches the day it starts and the day it ends.
    SELECT staff_id, area, starts_at, ends_at, CAST(starts_at AS DATE) AS day FROM duties WHERE duty_type = 'custody'
    UNION
    SELECT staff_id, area, starts_at, ends_at, CAST(ends_at AS DATE) AS day FROM duties WHERE duty_type = 'custody'
)
SELECT s.staff_id,
       ip.person_id,
       s.incident_id,
       'incident' AS relationship,
       greatest(s.started_at, ip.recorded_at) AS met_at,
       CASE WHEN s.involvement IN ('owner', 'investigator')
            THEN coalesce(s.ended_at, i.closed_at, TIMESTAMP '2999-12-31 00:00:00+00') + INTERVAL 7 DAY
            ELSE s.started_at + INTERVAL 2 DAY END AS purpose_until
FROM incident_staff s
JOIN incident_people ip ON ip.incident_id = s.incident_id
JOIN incidents i ON i.incident_id = s.incident_id
UNION ALL
SELECT DISTINCT d.staff_id, c.person_id, c.incident_id, 'custody_duty' AS relationship,
       greatest(d.starts_at, c.booked_in) AS met_at, c.until + INTERVAL 3 DAY AS purpose_until
FROM custody_days c
JOIN duty_days d ON d.area = c.suite AND d.day = c.day
WHERE d.starts_at < c.until AND d.ends_at > c.booked_in
UNION ALL
SELECT custody_officer_id, person_id, incident_id, 'custody_officer' AS relationship, booked_in AS met_at,
       coalesce(released, booked_in + INTERVAL 2 DAY) + INTERVAL 3 DAY AS purpose_until
FROM custody WHERE custody_officer_id IS NOT NULL
UNION ALL
SELECT arresting_staff_id, person_id, incident_id, 'arresting_officer' AS relationship,
       booked_in - INTERVAL 1 HOUR AS met_at,
       coalesce(released, booked_in + INTERVAL 2 DAY) + INTERVAL 3 DAY AS purpose_until
FROM custody WHERE arresting_staff_id IS NOT NULL
