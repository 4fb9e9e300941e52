-- id = "partner_in_records"
-- title = "Living at the address of someone the officer dealt with on duty"
-- red_flags = [9]
-- seed_case = "corruption case study 5; APSP good-practice guide (new-partner notifications checked against police systems)"
-- category = "inappropriate_association"
-- weight = 3.0
-- lookback_days = 3650
-- key = ["subject_staff_id", "person_ids"]
-- reading = """One alert per member of staff and person. The staff record's home address (property reference)
-- is the person's home address, and the member of staff was involved in an incident with that person. The
-- evidence names the staff record and the person; the summary names the incidents. Sharing a home with someone in records one never dealt
-- with on duty does not alert here; it belongs to the vetting declaration."""
WITH latest AS (SELECT max(occurred_at) AS t FROM audit)
SELECT s.staff_id AS subject_staff_id,
       [m.person_id] AS person_ids,
       m.first_met AS window_start,
       l.t AS window_end,
       l.t AS alerted_at,
       3.0 + 1.0 * least(pr.vulnerabilities, 2) AS score,
       ['people:' || m.person_id, 'staff:' || s.staff_id] AS evidence,
       'home address shared with a person met on duty in incident(s) ' || array_to_string(m.incidents, ', ')
           AS summary
FROM staff s
JOIN person_risk pr ON pr.home_uprn = s.home_uprn
JOIN met m ON m.staff_id = s.staff_id AND m.person_id = pr.person_id
CROSS JOIN latest l
WHERE s.home_uprn IS NOT NULL
