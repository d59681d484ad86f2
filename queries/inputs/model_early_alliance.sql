-- model_early_alliance: per client with an attended session in the period, early alliance and first and last ORS (for early_alliance_outcome in alliance/stats.py).
-- param start: date
-- param end: date
-- Early alliance is the mean SRS total of the client's first `early_sessions` rated sessions
-- (contract section 6), counted over the client's whole visible history (rated_seq), and given
-- only when all of them lie in the period: the early phase of treatment must be observed in the
-- period, so a window that starts mid-treatment does not pass later sessions off as early ones.
-- First and last ORS are the client's earliest and latest ORS total in the period, as in
-- client_outcomes. Order within a client: session_number, session_date, session_id, which
-- attended_seq numbers. sector is that of the client's latest attended session in the period;
-- early_therapist the therapist of the client's first rated session in the period (who formed
-- the early alliance), for the multilevel model of alliance and outcome.
-- One pass over the period's sessions, one row per client.
WITH per_client AS (
    SELECT
        clinic, client_id,
        arg_max(sector, attended_seq) AS sector,
        arg_min(therapist_id, attended_seq) FILTER (WHERE is_rated) AS early_therapist,
        count(*) FILTER (WHERE is_rated) AS n_rated,
        count(*) FILTER (WHERE rated_seq <= $early_sessions) AS n_early,
        avg(CAST(srs_total AS DOUBLE)) FILTER (WHERE rated_seq <= $early_sessions) AS early_alliance,
        count(ors_total) AS n_ors,
        CAST(arg_min(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS DOUBLE) AS first_ors,
        CAST(arg_max(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS DOUBLE) AS last_ors
    FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY clinic, client_id
)
SELECT clinic, client_id, sector, early_therapist, n_rated,
       CASE WHEN n_early = $early_sessions THEN early_alliance END AS early_alliance,
       n_ors, first_ors, last_ors
FROM per_client
ORDER BY clinic, client_id;
