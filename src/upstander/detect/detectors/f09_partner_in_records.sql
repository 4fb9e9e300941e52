-- id = "partner_in_records"
-- title = "Living at the address of someone the officer dealt with on duty"
-- red_flags = [9]
-- seed_case = "corruption case study 5; APSP good-practice guide (new-partner notifications checked against police systems)"
-- category = "inappropriate_association"
-- weight = 3.0
-- lookback_days = 3650
-- key = ["subject_staff_id", "person_ids"]
-- alert = "One alert per member of staff and person sharing their home: each time the member of staff dealt with that person on duty adds to it."
-- reading = """One alert per member of staff and person. The staff record's home address (property reference)
-- is the person's home address, and the member of staff was involved in an incident with that person. The
-- evidence names the staff record and the person; the summary names the incidents up to the latest one. Sharing a home with someone in records one never dealt
-- with on duty does not alert here; it belongs to the vetting declaration."""
WITH shared_home AS (
    SELECT m.staff_id, m.person_id, m.incident_id, m.met_at, pr.vulnerabilities
    FROM met_spans m
    JOIN staff s ON s.staff_id = m.staff_id AND s.home_uprn IS NOT NULL
    JOIN person_risk pr ON pr.person_id = m.person_id AND pr.home_uprn = s.home_uprn
    WHERE m.met_at >= :since
)
-- A finding each time they met on duty; the summary names the incidents of the look-back up to it.
SELECT h.staff_id AS subject_staff_id,
       [h.person_id] AS person_ids,
       min(e.met_at) AS window_start,
       h.met_at AS window_end,
       h.met_at AS alerted_at,
       3.0 + 1.0 * least(h.vulnerabilities, 2) AS score,
       ['people:' || h.person_id, 'staff:' || h.staff_id] AS evidence,
       'home address shared with a person met on duty in incident(s) '
           || array_to_string(list_sort(list(DISTINCT e.incident_id)), ', ') AS summary
FROM shared_home h
JOIN shared_home e ON e.staff_id = h.staff_id AND e.person_id = h.person_id AND e.met_at <= h.met_at
GROUP BY h.staff_id, h.person_id, h.incident_id, h.met_at, h.vulnerabilities
