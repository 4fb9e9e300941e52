-- id = "refused_in_upstander"
-- title = "Repeated attempts to open Upstander records the user may not see"
-- red_flags = [4]
-- seed_case = "DESIGN non-negotiable (every view of sensitive data inside Upstander is logged and checked like any look-up); APSP case study 1 and corruption case studies 4 and 7 (records opened with no policing purpose)"
-- category = "misusing_force_systems"
-- weight = 2.5
-- lookback_days = 30
-- key = ["subject_staff_id"]
-- reading = """One alert per member of staff. The evidence is Upstander's own access log, loaded as an audit
-- feed (`upstander access-log export`): attempts the application refused because the user was not assigned,
-- had no role for the page, or is the subject of the record, in their management chain or linked to them. A
-- refusal is what a guessed address or a curious click produces; several, or one at the user's own record, is
-- someone looking for what is held about them or a colleague."""
-- [parameters.min_weight]
-- value = 2.0
-- why = "One refused click can be a stale link; two refusals in a month, or a single attempt at one's own record, is worth an analyst's look."
WITH refused AS (
    SELECT audit_id, staff_id, occurred_at, object_type, object_id,
           CASE WHEN object_type = 'staff' AND object_id = staff_id THEN 2.0 ELSE 1.0 END AS weight
    FROM audit
    WHERE occurred_at >= :since AND system = 'intelligence' AND search_terms = 'refused'
      AND audit_id LIKE 'UPS-ACCESS-%'
),
running AS (
    SELECT *, sum(weight) OVER (PARTITION BY staff_id ORDER BY occurred_at, audit_id
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative
    FROM refused
)
SELECT staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       min(occurred_at) AS window_start,
       max(occurred_at) AS window_end,
       min(CASE WHEN cumulative >= :min_weight THEN occurred_at END) AS alerted_at,
       round(sum(weight), 3) AS score,
       list_sort(list('audit:' || audit_id)) AS evidence,
       count(*) || ' refused attempts to open records in Upstander, '
           || sum(CASE WHEN weight > 1 THEN 1 ELSE 0 END) || ' of them at their own record' AS summary
FROM running
GROUP BY staff_id
HAVING max(cumulative) >= :min_weight
