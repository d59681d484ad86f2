-- model_early_alliance: per client with an attended session in the period, early alliance and first and last ORS (for early_alliance_outcome in alliance/stats.py).
-- param start: date
-- param end: date
-- Early alliance is the mean SRS total of the client's first `early_sessions` rated sessions
-- (contract section 6), counted over the client's whole visible history (rated_seq), and given
-- only when all of them lie in the period: the early phase of treatment must be observed in the
-- period, so a window that starts mid-treatment does not pass later sessions off as early ones.
-- First and last ORS are the client's earliest and latest ORS total in the period, as in
-- client_outcomes. Order within a client: session_number, session_date, session_id. sector is
-- that of the client's latest attended session in the period.
WITH period AS (
    SELECT * FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
early AS (
    SELECT clinic, client_id, count(*) AS n_early, avg(CAST(srs_total AS DOUBLE)) AS early_alliance
    FROM rated_sessions
    WHERE rated_seq <= $early_sessions
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY clinic, client_id
),
per_client AS (
    SELECT
        clinic, client_id,
        last(sector ORDER BY session_number, session_date, session_id) AS sector,
        count(*) FILTER (WHERE is_rated) AS n_rated,
        count(ors_total) AS n_ors,
        CAST(first(ors_total ORDER BY session_number, session_date, session_id)
             FILTER (WHERE ors_total IS NOT NULL) AS DOUBLE) AS first_ors,
        CAST(last(ors_total ORDER BY session_number, session_date, session_id)
             FILTER (WHERE ors_total IS NOT NULL) AS DOUBLE) AS last_ors
    FROM period
    GROUP BY clinic, client_id
)
SELECT p.clinic, p.client_id, p.sector, p.n_rated,
       CASE WHEN e.n_early = $early_sessions THEN e.early_alliance END AS early_alliance,
       p.n_ors, p.first_ors, p.last_ors
FROM per_client p
LEFT JOIN early e USING (clinic, client_id)
ORDER BY p.clinic, p.client_id;
