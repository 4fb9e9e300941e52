-- The people in each incident a member of staff was assigned to, for as long as that involvement lasts.
SELECT i.staff_id, ip.person_id, i.valid_from, i.valid_to
FROM involvement i JOIN incident_people ip ON ip.incident_id = i.incident_id
