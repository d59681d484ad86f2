-- filter_options: every sector, clinic, site and therapist with an attended session, for the dashboard's filters.
SELECT sector, clinic, site, therapist_id, count(*) AS n_sessions,
       min(session_date) AS first_date, max(session_date) AS last_date
FROM attended_sessions
GROUP BY sector, clinic, site, therapist_id
ORDER BY sector, clinic, site, therapist_id;
