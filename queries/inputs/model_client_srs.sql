-- model_client_srs: per client and therapist, the rated sessions in the period reduced to what the therapist-effects model needs (alliance/stats.py).
-- param start: date
-- param end: date
-- The nested model (sessions in clients in therapists) depends on a client's sessions only
-- through their count, mean and the sum of squared deviations from that mean, so the rows stay
-- in DuckDB and the model sees one row per client. A client seen by two therapists counts as a
-- client of each. The same three statistics of z = ln(session_number) and its cross-product with
-- the score let the model allow for the rise of alliance over the first sessions. intake_ors is the client's first ORS total in the period (contract section 6
-- order: session_number, session_date, session_id), for the case-mix adjustment.
WITH period AS (
    SELECT * FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
intake AS (
    SELECT clinic, client_id,
           CAST(first(ors_total ORDER BY session_number, session_date, session_id)
                FILTER (WHERE ors_total IS NOT NULL) AS DOUBLE) AS intake_ors
    FROM period
    GROUP BY clinic, client_id
)
SELECT
    r.clinic, r.therapist_id, r.client_id,
    count(*) AS n_rated,
    avg(CAST(r.srs_total AS DOUBLE)) AS mean_srs,
    coalesce(var_pop(CAST(r.srs_total AS DOUBLE)) * count(*), 0) AS ss_within,
    avg(ln(r.session_number)) AS mean_log_session,
    coalesce(var_pop(ln(r.session_number)) * count(*), 0) AS ss_log_session,
    coalesce(covar_pop(ln(r.session_number), CAST(r.srs_total AS DOUBLE)) * count(*), 0) AS sp_log_session,
    any_value(i.intake_ors) AS intake_ors
FROM period r
LEFT JOIN intake i USING (clinic, client_id)
WHERE r.is_rated
GROUP BY r.clinic, r.therapist_id, r.client_id
ORDER BY r.clinic, r.therapist_id, r.client_id;
