-- id = "disposals_for_associates"
-- title = "Records deleted or disposed of around contact with members of the public on the work phone"
-- red_flags = [5]
-- seed_case = "corruption case study 6 (speeding offences disposed of for 'more than 30 members of the public')"
-- category = "misusing_force_systems"
-- weight = 3.0
-- lookback_days = 60
-- key = ["subject_staff_id"]
-- reading = """One alert per member of staff. Each disposal or deletion in the evidence came within a day of a
-- call or message between the same member of staff and a member of the public (not a colleague). Teams whose
-- job is disposals (a central ticket office) dispose of records every day without such contact and do not
-- alert; it is the pairing with private contact that matters."""
-- [parameters.min_disposals]
-- value = 2
-- why = "One disposal next to a call may be a driver ringing about their own ticket; two is a pattern worth a look."
WITH disposals AS (
    SELECT audit_id, staff_id, occurred_at, object_type, object_id
    FROM audit WHERE action IN ('delete', 'dispose') AND occurred_at >= :since
),
linked AS (
    SELECT d.audit_id, d.staff_id, d.occurred_at, min(c.comm_id) AS comm_id, min(c.counterpart) AS counterpart
    FROM disposals d
    JOIN public_comms c ON c.staff_id = d.staff_id
         AND c.occurred_at BETWEEN d.occurred_at - INTERVAL 1 DAY AND d.occurred_at + INTERVAL 1 DAY
    GROUP BY d.audit_id, d.staff_id, d.occurred_at
),
numbered AS (
    SELECT *, row_number() OVER (PARTITION BY staff_id ORDER BY occurred_at, audit_id) AS n FROM linked
)
SELECT staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       min(occurred_at) AS window_start,
       max(occurred_at) AS window_end,
       max(CASE WHEN n = :min_disposals THEN occurred_at END) AS alerted_at,
       count(*) + count(DISTINCT counterpart) AS score,
       list_sort(list_distinct(list('audit:' || audit_id) || list('communications:' || comm_id))) AS evidence,
       count(*) || ' disposals each within a day of contact with one of ' || count(DISTINCT counterpart)
           || ' members of the public' AS summary
FROM numbered
GROUP BY staff_id
HAVING count(*) >= :min_disposals
