-- Shared work lines: numbers and addresses that many members of staff, in several teams, contact over more than
-- a week, and not as someone they had met through duty: a partner agency's desk, a hospital ward, a hostel or
-- refuge office, a local authority out-of-hours team. They are work contacts, not "the public". One row per
-- line and day on which it counts as shared, judged on the 28 days ending that day, so that a day's answer never
-- depends on later data (a detector reading this looks back 27 days further than the contacts it counts).
-- The thresholds, at least 8 members of staff from at least 3 teams with at least a week between the first and
-- the last contact, do not scale with the size of the force: how many staff deal with one member of the public
-- is set by the roles in that person's cases (a call taker, one or two attending officers, an officer in
-- charge, a supervisor: a handful, in two or three teams), and those staff, having met the person, are not
-- counted at all; a partner line's callers grow with the force, so a larger force recognises it sooner.
-- A number on the records of people living at three or more different addresses is also shared, on every day:
-- a private phone belongs to one household, while a refuge's or a social-care team's desk is given as the contact
-- number for many of the people it supports.
WITH registered AS (
    SELECT pc.contact AS counterpart
    FROM person_contacts pc JOIN people p ON p.person_id = pc.person_id
    GROUP BY pc.contact
    HAVING count(DISTINCT coalesce(p.home_uprn, p.person_id)) >= 3
),
callers AS (
    -- Contact by a member of staff who had not met the person behind the number (if any) through duty by then.
    SELECT DISTINCT pc.counterpart, pc.staff_id, s.team_id, CAST(pc.occurred_at AS DATE) AS day,
           pc.occurred_at
    FROM public_comms pc
    JOIN staff s ON s.staff_id = pc.staff_id
    LEFT JOIN met_spans m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id AND m.met_at <= pc.occurred_at
    WHERE m.staff_id IS NULL
),
-- Only lines with enough callers in the whole window can be shared on any day of it: the rest are left out
-- before each contact is spread over the 28 days it is counted in.
candidates AS (
    SELECT counterpart FROM callers GROUP BY counterpart
    HAVING count(DISTINCT staff_id) >= 8 AND count(DISTINCT team_id) >= 3
),
daily AS (
    SELECT c.counterpart, c.staff_id, c.team_id, c.day, min(c.occurred_at) AS first_at, max(c.occurred_at) AS last_at
    FROM callers c JOIN candidates k ON k.counterpart = c.counterpart
    GROUP BY c.counterpart, c.staff_id, c.team_id, c.day
)
SELECT d.counterpart, cal.day
FROM daily d
JOIN uk_calendar cal ON cal.day BETWEEN d.day AND d.day + INTERVAL 27 DAY
GROUP BY d.counterpart, cal.day
HAVING count(DISTINCT d.staff_id) >= 8 AND count(DISTINCT d.team_id) >= 3
   AND max(d.last_at) >= min(d.first_at) + INTERVAL 7 DAY
UNION
SELECT r.counterpart, cal.day FROM registered r CROSS JOIN uk_calendar cal
