-- model_client_srs: per client and therapist, the rated sessions in the period reduced to what the therapist-effects model needs (alliance/stats.py).
-- param start: date
-- param end: date
-- The nested model (sessions in clients in therapists) depends on a client's sessions only
-- through their count, mean and the sum of squared deviations from that mean, so the rows stay
-- in DuckDB and the model sees one row per client. A client seen by two therapists counts as a
-- client of each. The same three statistics of z = ln(session_number) and its cross-product with
-- the score let the model allow for the rise of alliance over the first sessions. intake_ors is
-- the client's first ORS total in the period (contract section 6 order: session_number,
-- session_date, session_id, which attended_seq numbers), for the case-mix adjustment.
-- One pass over the period's sessions: each client-therapist row keeps its own first ORS and
-- where it came (attended_seq); a window over the client's rows (one per therapist, so a few
-- hundred thousand rows at ten million sessions) then takes the client's first.
WITH period AS (
    SELECT * FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
per_therapist AS (
    SELECT
        clinic, therapist_id, client_id,
        count(srs_total) AS n_rated,
        avg(CAST(srs_total AS DOUBLE)) AS mean_srs,
        coalesce(var_pop(CAST(srs_total AS DOUBLE)) * count(srs_total), 0) AS ss_within,
        avg(ln(session_number)) FILTER (WHERE is_rated) AS mean_log_session,
        coalesce(var_pop(ln(session_number)) FILTER (WHERE is_rated) * count(srs_total), 0) AS ss_log_session,
        coalesce(covar_pop(ln(session_number), CAST(srs_total AS DOUBLE)) * count(srs_total), 0) AS sp_log_session,
        min(attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS intake_seq,
        arg_min(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS intake_here
    FROM period
    GROUP BY clinic, therapist_id, client_id
)
SELECT
    clinic, therapist_id, client_id, n_rated, mean_srs, ss_within,
    mean_log_session, ss_log_session, sp_log_session,
    CAST(arg_min(intake_here, intake_seq) OVER (PARTITION BY clinic, client_id) AS DOUBLE) AS intake_ors
FROM per_therapist
QUALIFY n_rated > 0
ORDER BY clinic, therapist_id, client_id;
