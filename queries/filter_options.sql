-- filter_options: every sector, clinic, site and therapist with an attended session, for the dashboard's filters.
-- One row per sector, clinic, site and therapist (therapist_sites, counted once per build).
SELECT sector, clinic, site, therapist_id, n_sessions, first_date, last_date
FROM therapist_sites
ORDER BY sector, clinic, site, therapist_id;
