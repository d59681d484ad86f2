-- therapist_sites: one row per sector, clinic, site and therapist with an attended session: how many,
-- and the first and last session date. Built once per store build from attended_sessions, so the
-- filters every page draws (filter_options) read 17,000 rows at ten million sessions, not every
-- session. Scoped like attended_sessions (alliance/queries.py, scoped_tables): a viewer sees the
-- rows of their clinics, sites and therapists only.
CREATE TABLE therapist_sites AS
SELECT sector, clinic, site, therapist_id, count(*) AS n_sessions,
       min(session_date) AS first_date, max(session_date) AS last_date
FROM attended_sessions
GROUP BY sector, clinic, site, therapist_id
ORDER BY sector, clinic, site, therapist_id;
