-- id = "partner_in_records"
-- title = "Living at the address of someone the officer dealt with on duty"
-- red_flags = [9]
-- seed_case = "corruption case study 5; APSP good-practice guide (new-partner notifications checked against police systems)"
-- category = "inappropriate_association"
-- weight = 3.0
-- lookback_days = 3650
-- key = ["subject_staff_id", "person_ids"]
-- feeds = ["incidents", "incident_staff", "incident_people", "people", "staff"]
-- alert = "One alert per member of staff and person sharing their home, judged as of the last day of data (the staff record says where they live now, not since when)."
-- reading = """One alert per member of staff and person. The staff record's home address (property reference)
-- is the person's home address, and the member of staff was involved in an incident with that person. The
-- evidence names the staff record and the person; the summary names the incidents of the look-back. A
-- staff record carries no date for a move, so the finding is dated at the end of the data, as it stood then. Sharing a home with someone in records one never dealt
-- with on duty does not alert here; it belongs to the vetting declaration."""
WITH shared_home AS (
    SELECT m.staff_id, m.person_id, m.incident_id, m.met_at, pr.vulnerabilities
    FROM met_spans m
    JOIN staff s ON s.staff_id = m.staff_id AND s.home_uprn IS NOT NULL
    JOIN person_risk pr ON pr.person_id = m.person_id AND pr.home_uprn = s.home_uprn
    WHERE m.met_at >= :since AND CAST(m.met_at AS DATE) <= :last_day
)
SELECT staff_id AS subject_staff_id,
       [person_id] AS person_ids,
       min(met_at) AS window_start,
       CAST(:last_day + INTERVAL 1 DAY AS TIMESTAMPTZ) - INTERVAL 1 SECOND AS window_end,
       CAST(:last_day + INTERVAL 1 DAY AS TIMESTAMPTZ) - INTERVAL 1 SECOND AS alerted_at,
       3.0 + 1.0 * least(max(vulnerabilities), 2) AS score,
       ['people:' || person_id, 'staff:' || staff_id] AS evidence,
       'home address shared with a person met on duty in incident(s) '
           || array_to_string(list_sort(list(DISTINCT incident_id)), ', ') AS summary
FROM shared_home
GROUP BY staff_id, person_id
