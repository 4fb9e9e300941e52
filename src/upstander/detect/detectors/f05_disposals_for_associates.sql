-- id = "disposals_for_associates"
-- title = "Records deleted or disposed of around contact with members of the public on the work phone"
-- red_flags = [5]
-- seed_case = "corruption case study 6 (speeding offences disposed of for 'more than 30 members of the public')"
-- category = "misusing_force_systems"
-- weight = 3.0
-- lookback_days = 60
-- lookahead_days = 1
-- key = ["subject_staff_id"]
-- feeds = ["audit", "communications", "staff"]
-- alert = "One alert per member of staff: each day on which their disposals next to private contact within thirty days reached the threshold adds to it."
-- reading = """One alert per member of staff. Each disposal or deletion in the evidence came within a day of a
-- call or message between the same member of staff and a member of the public (not a colleague). Teams whose
-- job is disposals (a central ticket office) dispose of records every day without such contact and do not
-- alert; it is the pairing with private contact that matters. Disposals count together within thirty days of
-- one another; the contact may come up to a day after the disposal (a day's look-ahead). Calls to shared work
-- lines (a partner agency's number that many staff in several teams call) are work, not private contact, and
-- do not count."""
-- [parameters.min_disposals]
-- value = 2
-- why = "One disposal next to a call may be a driver ringing about their own ticket; two is a pattern worth a look."
-- [parameters.window_days]
-- value = 30
-- why = "Disposals for associates count together within a month: corruption case study 6's disposals were a run of favours, not one a year."
WITH disposals AS (
    SELECT audit_id, staff_id, occurred_at, object_type, object_id
    FROM audit WHERE action IN ('delete', 'dispose') AND occurred_at >= :since
),
linked AS (
    SELECT d.audit_id, d.staff_id, d.occurred_at, epoch(d.occurred_at) AS t, min(c.comm_id) AS comm_id,
           min(c.counterpart) AS counterpart
    FROM disposals d
    JOIN explained_contacts c ON c.staff_id = d.staff_id AND NOT c.shared_line
         AND c.occurred_at BETWEEN d.occurred_at - INTERVAL 1 DAY AND d.occurred_at + INTERVAL 1 DAY
    GROUP BY d.audit_id, d.staff_id, d.occurred_at
),
running AS (
    SELECT *, count(*) OVER (PARTITION BY staff_id ORDER BY t
                             RANGE BETWEEN :window_days * 86400 PRECEDING AND CURRENT ROW) AS in_window
    FROM linked
),
days AS (
    SELECT staff_id, CAST(occurred_at AS DATE) AS day, min(occurred_at) AS alerted_at, min(t) AS first_t,
           max(t) AS last_t
    FROM running WHERE in_window >= :min_disposals
    GROUP BY staff_id, CAST(occurred_at AS DATE)
)
SELECT d.staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       min(l.occurred_at) AS window_start,
       max(l.occurred_at) AS window_end,
       d.alerted_at,
       count(*) + count(DISTINCT l.counterpart) AS score,
       list_sort(list_distinct(list('audit:' || l.audit_id) || list('communications:' || l.comm_id))) AS evidence,
       count(*) || ' disposals each within a day of contact with one of ' || count(DISTINCT l.counterpart)
           || ' members of the public' AS summary
FROM days d
JOIN linked l ON l.staff_id = d.staff_id AND l.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.day, d.alerted_at
