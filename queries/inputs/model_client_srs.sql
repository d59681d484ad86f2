-- model_client_srs: per client and therapist, the rated sessions in the period reduced to what the therapist-effects model needs (alliance/stats.py).
-- param start: date
-- param end: date
-- The nested model (sessions in clients in therapists) depends on a client's sessions only
-- through their count, mean and the sum of squared deviations from that mean, so the rows stay
-- in DuckDB and the model sees one row per client. A client seen by two therapists counts as a
-- client of each. The same three statistics of z = ln(min(session_number, 8)) and its
-- cross-product with the score let the model allow for the rise of alliance over the first
-- sessions, flat from session 8 on (the rise is over by then; a log curve would go on rising
-- through long treatments). intake_ors is the client's first ORS total in their whole history up
-- to the period's end (contract section 6 order: session_number, session_date, session_id, which
-- attended_seq numbers), for the case-mix adjustment: a client who began before the period keeps
-- the intake they began with.
WITH period AS (
    SELECT * FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
intake AS (
    SELECT clinic, client_id, CAST(arg_min(ors_total, attended_seq) AS DOUBLE) AS intake_ors
    FROM attended_sessions
    WHERE ors_total IS NOT NULL AND ($end IS NULL OR session_date <= $end)
    GROUP BY clinic, client_id
),
per_therapist AS (
    SELECT
        clinic, therapist_id, client_id,
        count(srs_total) AS n_rated,
        avg(CAST(srs_total AS DOUBLE)) AS mean_srs,
        coalesce(var_pop(CAST(srs_total AS DOUBLE)) * count(srs_total), 0) AS ss_within,
        avg(ln(least(session_number, 8))) FILTER (WHERE is_rated) AS mean_log_session,
        coalesce(var_pop(ln(least(session_number, 8))) FILTER (WHERE is_rated) * count(srs_total), 0)
            AS ss_log_session,
        coalesce(covar_pop(ln(least(session_number, 8)), CAST(srs_total AS DOUBLE)) * count(srs_total), 0)
            AS sp_log_session
    FROM period
    GROUP BY clinic, therapist_id, client_id
)
SELECT
    p.clinic, p.therapist_id, p.client_id, p.n_rated, p.mean_srs, p.ss_within,
    p.mean_log_session, p.ss_log_session, p.sp_log_session, i.intake_ors
FROM per_therapist p
LEFT JOIN intake i USING (clinic, client_id)
WHERE p.n_rated > 0
ORDER BY p.clinic, p.therapist_id, p.client_id;
