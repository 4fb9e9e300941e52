-- id = "refused_in_upstander"
-- title = "Repeated attempts to open Upstander records the user may not see"
-- red_flags = [4]
-- seed_case = "DESIGN non-negotiable (every view of sensitive data inside Upstander is logged and checked like any look-up); APSP case study 1 and corruption case studies 4 and 7 (records opened with no policing purpose)"
-- category = "misusing_force_systems"
-- weight = 2.5
-- lookback_days = 30
-- key = ["subject_staff_id"]
-- feeds = ["audit"]
-- alert = "One alert per member of staff: each day on which the weight of their refused attempts within thirty days reached the threshold adds to it."
-- reading = """One alert per member of staff. The evidence is Upstander's own access log, loaded as an audit
-- feed (`upstander access-log export`): attempts the application refused because the user was not assigned,
-- had no role for the page, or is the subject of the record, in their management chain or linked to them. A
-- refusal is what a guessed address or a curious click produces; several, or one at the user's own record, is
-- someone looking for what is held about them or a colleague."""
-- [parameters.min_weight]
-- value = 2.0
-- why = "One refused click can be a stale link; two refusals in a month, or a single attempt at one's own record, is worth an analyst's look."
-- [parameters.window_days]
-- value = 30
-- why = "Refusals count together within a month, as the threshold's reason says."
WITH refused AS (
    SELECT audit_id, staff_id, occurred_at, epoch(occurred_at) AS t, object_type, object_id,
           CASE WHEN object_type = 'staff' AND object_id = staff_id THEN 2.0 ELSE 1.0 END AS weight
    FROM audit
    WHERE occurred_at >= :since AND system = 'intelligence' AND search_terms = 'refused'
      AND audit_id LIKE 'UPS-ACCESS-%'
),
running AS (
    SELECT *, sum(weight) OVER (PARTITION BY staff_id ORDER BY t
                                RANGE BETWEEN :window_days * 86400 PRECEDING AND CURRENT ROW) AS in_window
    FROM refused
),
days AS (
    SELECT staff_id, CAST(occurred_at AS DATE) AS day, min(occurred_at) AS alerted_at, min(t) AS first_t,
           max(t) AS last_t
    FROM running WHERE in_window >= :min_weight
    GROUP BY staff_id, CAST(occurred_at AS DATE)
)
SELECT d.staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       min(r.occurred_at) AS window_start,
       max(r.occurred_at) AS window_end,
       d.alerted_at,
       round(sum(r.weight), 3) AS score,
       list_sort(list('audit:' || r.audit_id)) AS evidence,
       count(*) || ' refused attempts to open records in Upstander, '
           || sum(CASE WHEN r.weight > 1 THEN 1 ELSE 0 END) || ' of them at their own record' AS summary
FROM days d
JOIN refused r ON r.staff_id = d.staff_id AND r.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
GROUP BY d.staff_id, d.day, d.alerted_at
