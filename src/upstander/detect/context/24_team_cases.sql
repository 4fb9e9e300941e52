-- The people in the open cases each team holds, and for how long: the owning team until it transfers the case
-- or closes it, the team it was transferred to from the transfer until it closes; from a day before the person
-- was recorded on the incident (the call that led to it). Once the case closes, the team's work with the person
-- is over (the owner's closing contact is their own relationship's, in `met_spans`). Team ownership explains
-- look-ups already (`lookups`); here it explains contact (`explained_contacts`).
SELECT i.owning_team_id AS team_id, ip.person_id, i.incident_id,
       greatest(i.opened_at, ip.recorded_at) - INTERVAL 1 DAY AS valid_from,
       CASE WHEN i.transferred_to_team_id IS NOT NULL THEN coalesce(i.transferred_at, i.opened_at)
            ELSE coalesce(i.closed_at, TIMESTAMP '2999-12-31 00:00:00+00') END AS valid_to
FROM incidents i
JOIN incident_people ip ON ip.incident_id = i.incident_id
UNION ALL
SELECT i.transferred_to_team_id AS team_id, ip.person_id, i.incident_id,
       greatest(coalesce(i.transferred_at, i.opened_at), ip.recorded_at) - INTERVAL 1 DAY AS valid_from,
       coalesce(i.closed_at, TIMESTAMP '2999-12-31 00:00:00+00') AS valid_to
FROM incidents i
JOIN incident_people ip ON ip.incident_id = i.incident_id
WHERE i.transferred_to_team_id IS NOT NULL
