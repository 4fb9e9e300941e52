-- Every phone number and email address of every member of the public in force records.
SELECT person_id, contact FROM (SELECT person_id, unnest(phones) AS contact FROM people)
UNION ALL
SELECT person_id, contact FROM (SELECT person_id, unnest(emails) AS contact FROM people)
