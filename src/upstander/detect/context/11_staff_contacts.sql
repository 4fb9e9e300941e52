-- Work phone numbers of staff, so a call to a colleague is never mistaken for one to the public.
SELECT staff_id, contact FROM (SELECT staff_id, unnest(work_phones) AS contact FROM staff)
