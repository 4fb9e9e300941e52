-- Explanation-based auditing: every look-up of a person, incident or custody record, with the first
-- explanation the data itself offers, or NULL when nothing explains it. Explanations, in order:
--   involved   the member of staff was assigned to the incident, or to an incident the person is in, at the
--              time (owners until a month after closing; call takers and attending officers for three days)
--   one_hop    the incident shares a person with an incident they are assigned to
--   team       their team owns the incident (or it was transferred to it), or the person is in an open case
--              their team holds (`team_cases`: the owning team until it transfers the case, the receiving
--              team from then, each until the case closes)
--   area       on duty in the incident's area within a week of it (briefings read recent jobs)
--   custody    on custody duty at the suite while the person was detained, or arrested or booked them in
--   role       intelligence and professional standards staff research records as their job
--   search     a search (no record opened) while on duty
-- keep: by occurred_at, from 1 day before the dirty day
-- (an involvement explains look-ups from a day before it began, a detention from an hour before booking in;
-- the other explanations began before the look-up)
WITH a AS (SELECT * FROM audit_lookups),
person_inv AS (SELECT * FROM person_involvement),
staff_team AS (
    SELECT s.staff_id, s.team_id, t.unit_type FROM staff s JOIN teams t ON t.team_id = s.team_id
),
team_inc AS (
    SELECT incident_id, owning_team_id AS team_id, opened_at FROM incidents
    UNION ALL
    SELECT incident_id, transferred_to_team_id, opened_at FROM incidents WHERE transferred_to_team_id IS NOT NULL
),
on_duty AS (
    SELECT staff_id, starts_at, ends_at, duty_type, area FROM duties
),
custody_link AS (
    SELECT c.custody_id, c.person_id, c.booked_in - INTERVAL 1 HOUR AS valid_from,
           coalesce(c.released, c.booked_in + INTERVAL 2 DAY) + INTERVAL 2 HOUR AS valid_to, c.suite,
           c.arresting_staff_id, c.custody_officer_id
    FROM custody c
),
-- Each explanation is a join producing the look-ups it explains; the first in the order above wins.
explanations AS (
    SELECT a.audit_id, 1 AS rank, 'involved' AS explanation
    FROM a JOIN involvement v ON v.staff_id = a.staff_id AND v.incident_id = a.object_id
    WHERE a.object_type = 'incident' AND a.occurred_at BETWEEN v.valid_from AND v.valid_to
    UNION ALL
    SELECT a.audit_id, 1, 'involved'
    FROM a JOIN person_inv v ON v.staff_id = a.staff_id AND v.person_id = a.object_id
    WHERE a.object_type = 'person' AND a.occurred_at BETWEEN v.valid_from AND v.valid_to
    UNION ALL
    -- From the looked-up incident to its people, then to the member of staff's own involvement with them.
    SELECT a.audit_id, 2, 'one_hop'
    FROM a JOIN incident_people ip ON ip.incident_id = a.object_id
    JOIN person_inv v ON v.staff_id = a.staff_id AND v.person_id = ip.person_id
    WHERE a.object_type = 'incident' AND a.occurred_at BETWEEN v.valid_from AND v.valid_to
    UNION ALL
    SELECT a.audit_id, 3, 'team'
    FROM a JOIN staff_team st ON st.staff_id = a.staff_id
    JOIN team_inc ti ON ti.team_id = st.team_id AND ti.incident_id = a.object_id
    WHERE a.object_type = 'incident' AND a.occurred_at < ti.opened_at + INTERVAL 120 DAY
    UNION ALL
    SELECT il.audit_id, 4, 'area'
    FROM incident_lookups il
    JOIN on_duty d ON d.staff_id = il.staff_id AND d.area = il.area
    WHERE il.occurred_at >= d.starts_at AND il.occurred_at < d.ends_at AND il.occurred_at < il.opened_at + INTERVAL 7 DAY
    UNION ALL
    SELECT a.audit_id, 3, 'team'
    FROM a JOIN staff_team st ON st.staff_id = a.staff_id
    JOIN team_cases tc ON tc.team_id = st.team_id AND tc.person_id = a.object_id
    WHERE a.object_type = 'person' AND a.occurred_at >= tc.valid_from
      AND a.occurred_at <= tc.valid_to
    UNION ALL
    -- Custody: the arresting officer or the custody officer of that detention, or anyone on custody duty at
    -- its suite while the person was detained. Person and custody look-ups are separate equality joins.
    SELECT a.audit_id, 5, 'custody'
    FROM a JOIN custody_link c ON c.person_id = a.object_id
    WHERE a.object_type = 'person' AND a.occurred_at BETWEEN c.valid_from AND c.valid_to
      AND a.staff_id IN (c.arresting_staff_id, c.custody_officer_id)
    UNION ALL
    SELECT a.audit_id, 5, 'custody'
    FROM a JOIN custody_link c ON c.custody_id = a.object_id
    WHERE a.object_type = 'custody' AND a.occurred_at BETWEEN c.valid_from AND c.valid_to
      AND a.staff_id IN (c.arresting_staff_id, c.custody_officer_id)
    UNION ALL
    SELECT cd.audit_id, 5, 'custody'
    FROM custody_duty_lookups cd JOIN custody_link c ON c.person_id = cd.object_id AND c.suite = cd.suite
    WHERE cd.object_type = 'person' AND cd.occurred_at BETWEEN c.valid_from AND c.valid_to
    UNION ALL
    SELECT cd.audit_id, 5, 'custody'
    FROM custody_duty_lookups cd JOIN custody_link c ON c.custody_id = cd.object_id AND c.suite = cd.suite
    WHERE cd.object_type = 'custody' AND cd.occurred_at BETWEEN c.valid_from AND c.valid_to
    UNION ALL
    SELECT a.audit_id, 6, 'role'
    FROM a JOIN staff_team st ON st.staff_id = a.staff_id
    WHERE st.unit_type IN ('intelligence', 'professional_standards')
    UNION ALL
    SELECT a.audit_id, 7, 'search'
    FROM a JOIN on_duty d ON d.staff_id = a.staff_id AND a.occurred_at >= d.starts_at AND a.occurred_at < d.ends_at
    WHERE a.action = 'search' AND a.object_id IS NULL
),
first_explanation AS (
    SELECT audit_id, arg_min(explanation, rank) AS explanation FROM explanations GROUP BY audit_id
)
SELECT a.*, e.explanation FROM a LEFT JOIN first_explanation e ON e.audit_id = a.audit_id
