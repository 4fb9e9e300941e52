-- Every work-device contact with the public (`public_comms`) with what the force's own data says explains it,
-- computed once for every detector that asks. Explanations, in order (the first that holds is `explanation`,
-- NULL when none does; each also has its own column):
--   involved     a relationship of the member of staff with that person (`met_spans`) covers the moment, from a
--                day before it began (the call that led to the job) to the end of its purpose
--   team         on duty, and their team holds a case the person is in (`team_cases`): an officer phoning the
--                victims of the cases her unit owns is doing the unit's work, even when the record names
--                a colleague as officer in charge
--   shared_line  the number is a shared work line that day (`shared_lines`): a partner agency, not the public
WITH involved AS (
    SELECT DISTINCT pc.comm_id
    FROM public_comms pc
    JOIN met_spans m ON m.staff_id = pc.staff_id AND m.person_id = pc.person_id
    WHERE pc.occurred_at BETWEEN m.met_at - INTERVAL 1 DAY AND m.purpose_until
),
by_team AS (
    SELECT DISTINCT pc.comm_id
    FROM public_comms pc
    JOIN staff s ON s.staff_id = pc.staff_id
    JOIN team_cases tc ON tc.team_id = s.team_id AND tc.person_id = pc.person_id
    WHERE pc.on_duty AND pc.occurred_at BETWEEN tc.valid_from AND tc.valid_to
)
SELECT pc.comm_id, pc.staff_id, pc.occurred_at, pc.direction, pc.channel, pc.counterpart, pc.person_id,
       pc.local_hour, pc.on_duty,
       i.comm_id IS NOT NULL AS involved,
       t.comm_id IS NOT NULL AS team_case,
       sl.counterpart IS NOT NULL AS shared_line,
       CASE WHEN i.comm_id IS NOT NULL THEN 'involved'
            WHEN t.comm_id IS NOT NULL THEN 'team'
            WHEN sl.counterpart IS NOT NULL THEN 'shared_line' END AS explanation
FROM public_comms pc
LEFT JOIN involved i ON i.comm_id = pc.comm_id
LEFT JOIN by_team t ON t.comm_id = pc.comm_id
LEFT JOIN shared_lines sl ON sl.counterpart = pc.counterpart AND sl.day = CAST(pc.occurred_at AS DATE)
