-- profiles: per clinic, site or therapist, the mean of each SRS item and of the WAI-SR goal, task and bond subscales for client and therapist forms, each instrument with its n.
-- param start: date
-- param end: date
-- param level: clinic|site|therapist = clinic
-- level: group unless level=therapist
-- suppress: n_clients peers _n_peer_clients within _parent keep group
-- Items are given all or none (a form with only some is quarantined), so one n per instrument
-- and rater: n_sessions counts attended sessions, n_srs counts rated sessions with SRS items (a form with only srs_total has none),
-- n_client_wai and n_therapist_wai count forms with WAI items (a form with only wai_mean has no
-- subscales). A mean over nothing is empty. Every group lies in one clinic (grouped by it too), so
-- its clients are counted by client_id alone, and they are all peer clients or none.
SELECT
    CASE $level WHEN 'clinic' THEN clinic WHEN 'site' THEN site ELSE clinic || '/' || therapist_id END AS "group",
    CASE $level WHEN 'site' THEN clinic WHEN 'clinic' THEN sector ELSE clinic END AS _parent,
    count(DISTINCT client_id) AS n_clients,
    CASE WHEN $own_all_clinics OR list_contains($own_clinics, any_value(clinic)) THEN 0
         ELSE count(DISTINCT client_id) END AS _n_peer_clients,
    count(*) AS n_sessions,
    count(srs_1) AS n_srs,
    round(avg(srs_1), 2) AS srs_relationship,
    round(avg(srs_2), 2) AS srs_goals_topics,
    round(avg(srs_3), 2) AS srs_approach,
    round(avg(srs_4), 2) AS srs_overall,
    count(client_wai_task) AS n_client_wai,
    round(avg(client_wai_goal), 2) AS client_goal,
    round(avg(client_wai_task), 2) AS client_task,
    round(avg(client_wai_bond), 2) AS client_bond,
    count(therapist_wai_task) AS n_therapist_wai,
    round(avg(therapist_wai_goal), 2) AS therapist_goal,
    round(avg(therapist_wai_task), 2) AS therapist_task,
    round(avg(therapist_wai_bond), 2) AS therapist_bond
FROM attended_sessions
WHERE ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
GROUP BY "group", _parent, clinic
ORDER BY "group";
