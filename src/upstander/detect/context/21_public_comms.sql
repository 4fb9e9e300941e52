-- Work-device communications with members of the public: counterparts matched to force records where
-- possible, never a colleague's work phone, with local time and whether the sender was on duty.
-- keep: by occurred_at, from 0 days before the dirty day
-- (a row depends on its own communication, the duty it falls in, which started before it and is dirty from its
-- start, and records read as they stand, whose change makes the run a full one)
SELECT c.comm_id,
       c.staff_id,
       c.occurred_at,
       c.direction,
       c.channel,
       c.counterpart,
       c.duration_s,
       c.text,
       pc.person_id,
       (extract(hour FROM c.occurred_at) + cal.offset_hours) % 24 AS local_hour,
       d.duty_id IS NOT NULL AS on_duty
FROM communications c
JOIN uk_calendar cal ON cal.day = CAST(c.occurred_at AS DATE)
LEFT JOIN person_contacts pc ON pc.contact = c.counterpart
LEFT JOIN duties d ON d.staff_id = c.staff_id AND c.occurred_at >= d.starts_at AND c.occurred_at < d.ends_at
WHERE c.counterpart NOT IN (SELECT contact FROM staff_contacts)
