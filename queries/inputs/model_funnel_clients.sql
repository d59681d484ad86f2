-- model_funnel_clients: per client and therapist, the rated sessions in the period as deviations from their clinic's expected score at that session number (alliance/funnel.py).
-- param start: date
-- param end: date
-- The funnel's unit is the client (Spiegelhalter 2005): each session's SRS total minus the
-- clinic's mean SRS at that session number over the period (its session-number curve, which
-- flattens from session 8 on: sessions 8 and later share one expected score, so a long
-- treatment's few late sessions do not make a noisy curve), reduced to the count, mean and sum
-- of squared deviations of those residuals per client and therapist, as the nested model needs.
-- A client seen by two therapists counts as a client of each. site is the therapist's home site
-- (most attended sessions in the period, ties to the first alphabetically); clinic_mean the
-- clinic's mean SRS over its rated sessions in the period, the funnel's centre line.
WITH period AS (
    SELECT clinic, therapist_id, client_id, site, is_rated, srs_total, least(session_number, 8) AS bucket
    FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
rated AS (
    SELECT clinic, therapist_id, client_id, bucket, CAST(srs_total AS DOUBLE) AS srs FROM period WHERE is_rated
),
curve AS (
    SELECT clinic, bucket, avg(srs) AS expected FROM rated GROUP BY ALL
),
clinic_level AS (
    SELECT clinic, avg(srs) AS clinic_mean FROM rated GROUP BY ALL
),
home_site AS (
    SELECT clinic, therapist_id, first(site ORDER BY n DESC, site) AS site
    FROM (SELECT clinic, therapist_id, site, count(*) AS n FROM period GROUP BY ALL)
    GROUP BY ALL
),
per_client AS (
    SELECT r.clinic, r.therapist_id, r.client_id,
           count(*) AS n_rated,
           avg(r.srs) AS mean_srs,
           avg(r.srs - c.expected) AS mean_residual,
           coalesce(var_pop(r.srs - c.expected) * count(*), 0) AS ss_within
    FROM rated r JOIN curve c USING (clinic, bucket)
    GROUP BY ALL
)
SELECT p.clinic, p.therapist_id, h.site, p.client_id, p.n_rated, p.mean_srs, p.mean_residual, p.ss_within,
       l.clinic_mean
FROM per_client p
JOIN home_site h USING (clinic, therapist_id)
JOIN clinic_level l USING (clinic)
ORDER BY p.clinic, p.therapist_id, p.client_id;
