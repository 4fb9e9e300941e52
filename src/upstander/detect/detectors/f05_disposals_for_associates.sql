-- id = "disposals_for_associates"
-- title = "Records deleted or disposed of around contact with members of the public, or just after an unexplained look-up"
-- red_flags = [5]
-- seed_case = "corruption case study 6 (speeding offences disposed of for 'more than 30 members of the public')"
-- category = "misusing_force_systems"
-- weight = 3.0
-- lookback_days = 60
-- lookahead_days = 1
-- key = ["subject_staff_id"]
-- feeds = ["audit", "staff"]
-- alert = "One alert per member of staff: each day on which their disposals next to private contact, or next to an unexplained look-up of the same record, within thirty days reached the threshold adds to it."
-- reading = """One alert per member of staff. Each disposal or deletion in the evidence either came within a
-- day of a call or message between the same member of staff and a member of the public (not a colleague) that
-- nothing in the data explains (not someone they met through duty, within its purpose, nor a case their team
-- holds: a roads officer texting a victim he attended about her referral is at work), or
-- was of a record the same member of staff had looked up (viewed, searched, printed or exported) in the half hour
-- before, with nothing in the data to explain the look-up (the explanations of the `lookups` context, as for
-- unexplained look-ups). The evidence then holds both the look-up and the disposal. That context judges the
-- records tied to people (a person, an incident, a custody record); a traffic offence is tied to no one, so
-- opening one and disposing of it says nothing without the contact, and roads officers who cancel offences as
-- part of the job are not alerted for it. Teams whose job is disposals
-- (a central ticket office: two or more members disposing of records on most days) look records up and dispose of
-- them all day; their look-ups are explained by that work and do not alert, and without private contact neither
-- do their disposals: it is the pairing with contact, or with a look-up no duty explains, that matters.
-- Disposals count together within thirty days of one another; the contact may come up to a day after the
-- disposal (a day's look-ahead). Calls to shared work lines (a partner agency's number that many staff in
-- several teams call) are work, not private contact, and do not count. A favour for a driver the officer
-- had stopped, with contact inside the purpose of that stop, is not counted: the offence is tied to no one in the
-- data, and an officer's calls to the people he deals with are his work."""
-- [parameters.min_disposals]
-- value = 2
-- why = "One disposal next to a call may be a driver ringing about their own ticket; two is a pattern worth a look."
-- [parameters.window_days]
-- value = 30
-- why = "Disposals for associates count together within a month: corruption case study 6's disposals were a run of favours, not one a year."
-- [parameters.lookup_minutes]
-- value = 30
-- why = "Disposing of a favour is opening the ticket and cancelling it in one sitting (corruption case study 6); a look-up half an hour or more before is another task, and the window stays short so that an ordinary view earlier in the shift is not taken for it."
-- [parameters.team_window_days]
-- value = 28
-- why = "Whether disposing of records is a team's work is judged on the four weeks ending that day: long enough to see a ticket office's routine through leave and weekends, and never on later data. Within the first four weeks of the force's data, on the days there are, in proportion."
-- [parameters.min_team_disposers]
-- value = 2
-- why = "A ticket office is more than one clerk; a single officer disposing of records in a team that otherwise never does is the exception this detector is for. Two, not more, so that a small force's two-clerk office is still recognised."
-- [parameters.min_team_days]
-- value = 12
-- why = "Disposals are a team's daily work when they happen on most working days (twelve of the twenty in four weeks); a run of favours, even two colleagues' together, comes on a handful of days (corruption case study 6: a few a week at most)."
WITH disposals AS (
    SELECT a.audit_id, a.staff_id, a.occurred_at, a.system, a.object_type, a.object_id, s.team_id
    FROM audit a LEFT JOIN staff s ON s.staff_id = a.staff_id
    WHERE a.action IN ('delete', 'dispose') AND a.occurred_at >= :since
),
team_days AS (
    SELECT DISTINCT team_id, staff_id, CAST(occurred_at AS DATE) AS day FROM disposals WHERE team_id IS NOT NULL
),
disposal_teams AS (
    -- Teams whose work is disposing of records, on each day they count as such (the window ending that day).
    -- In the force's first weeks of data the window is shorter, and the days asked for shrink with it.
    SELECT td.team_id, cal.day
    FROM team_days td
    JOIN uk_calendar cal ON cal.day BETWEEN td.day AND td.day + INTERVAL (:team_window_days - 1) DAY
    GROUP BY td.team_id, cal.day
    HAVING count(DISTINCT td.staff_id) >= :min_team_disposers
       AND count(DISTINCT td.day) >= :min_team_days * least(:team_window_days, date_diff('day', :first_day, cal.day) + 1)
                                     / :team_window_days
),
contacted AS (
    SELECT d.audit_id, min(c.comm_id) AS comm_id, min(c.counterpart) AS counterpart
    FROM disposals d
    JOIN explained_contacts c ON c.staff_id = d.staff_id AND c.explanation IS NULL
         AND c.occurred_at BETWEEN d.occurred_at - INTERVAL 1 DAY AND d.occurred_at + INTERVAL 1 DAY
    GROUP BY d.audit_id
),
looked_up AS (
    -- The same record opened by the same member of staff shortly before, with no explanation: neither the
    -- `lookups` context nor a disposal team's work explains it. Only records that context can judge count (a
    -- person, an incident, a custody record): a traffic offence is tied to no one in the data, so nothing could
    -- explain opening it, and opening it just before disposing of it is how every disposal is made. The latest
    -- such look-up is the one shown.
    SELECT d.audit_id, l.audit_id AS lookup_id, l.occurred_at AS looked_up_at,
           row_number() OVER (PARTITION BY d.audit_id ORDER BY l.occurred_at DESC, l.audit_id DESC) AS latest
    FROM disposals d
    JOIN audit l ON l.staff_id = d.staff_id AND l.object_type = d.object_type AND l.object_id = d.object_id
         AND l.action IN ('search', 'view', 'print', 'export')
         AND epoch(l.occurred_at) BETWEEN epoch(d.occurred_at) - :lookup_minutes * 60 AND epoch(d.occurred_at)
    JOIN lookups x ON x.audit_id = l.audit_id
    LEFT JOIN disposal_teams dt ON dt.team_id = d.team_id AND dt.day = CAST(d.occurred_at AS DATE)
    WHERE x.explanation IS NULL AND dt.team_id IS NULL
),
linked AS (
    SELECT d.audit_id, d.staff_id, d.occurred_at, epoch(d.occurred_at) AS t, d.object_id, c.comm_id, c.counterpart,
           lu.lookup_id,
           CAST(round((epoch(d.occurred_at) - epoch(lu.looked_up_at)) / 60.0) AS INTEGER) AS minutes_before
    FROM disposals d
    LEFT JOIN contacted c ON c.audit_id = d.audit_id
    LEFT JOIN looked_up lu ON lu.audit_id = d.audit_id AND lu.latest = 1
    WHERE c.audit_id IS NOT NULL OR lu.audit_id IS NOT NULL
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
),
members AS (
    -- Each alert day's disposals, the look-up pairs numbered so that the summary names the first three.
    SELECT d.staff_id, d.day, d.alerted_at, l.audit_id, l.occurred_at, l.object_id, l.comm_id, l.counterpart,
           l.lookup_id, l.minutes_before,
           row_number() OVER (PARTITION BY d.staff_id, d.day, l.lookup_id IS NULL ORDER BY l.t, l.audit_id) AS n
    FROM days d
    JOIN linked l ON l.staff_id = d.staff_id AND l.t BETWEEN d.first_t - :window_days * 86400 AND d.last_t
),
grouped AS (
    SELECT staff_id, alerted_at, min(occurred_at) AS window_start, max(occurred_at) AS window_end,
           count(*) AS disposals, count(comm_id) AS contacted, count(DISTINCT counterpart) AS counterparts,
           count(lookup_id) AS looked_up,
           list_sort(list_distinct(list('audit:' || audit_id) || list('audit:' || lookup_id)
                                   || list('communications:' || comm_id))) AS evidence,
           array_to_string(list_sort(list_distinct(list(
               CASE WHEN lookup_id IS NOT NULL AND n <= 3
                    THEN 'record ' || coalesce(object_id, 'without an id') || ' looked up '
                         || CASE WHEN minutes_before < 1 THEN 'less than a minute'
                                 WHEN minutes_before = 1 THEN 'a minute'
                                 ELSE minutes_before || ' minutes' END
                         || ' before it was disposed of' END))), '; ') AS pairs
    FROM members
    GROUP BY staff_id, day, alerted_at
)
SELECT staff_id AS subject_staff_id,
       CAST([] AS VARCHAR[]) AS person_ids,
       window_start,
       window_end,
       alerted_at,
       disposals + counterparts + looked_up AS score,
       evidence,
       disposals || ' disposals'
           || CASE WHEN contacted > 0 THEN ', ' || contacted || ' within a day of contact with one of '
                   || counterparts || ' members of the public' ELSE '' END
           || CASE WHEN looked_up > 0 THEN ', ' || looked_up || ' of a record they had looked up just before, with '
                   || 'nothing to explain the look-up (' || pairs
                   || CASE WHEN looked_up > 3 THEN '; and ' || (looked_up - 3) || ' more' ELSE '' END || ')'
                   ELSE '' END AS summary
FROM grouped
