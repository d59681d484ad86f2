-- client_outcomes: first and last ORS in the period and the outcome category, per client with an attended session (contract section 7).
-- param start: date
-- param end: date
WITH period AS (
    SELECT * FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
per_client AS (
    SELECT
        clinic, client_id,
        last(therapist_id ORDER BY session_number, session_date, session_id) AS therapist_id,
        count(*) AS n_sessions,
        count(ors_total) AS n_ors,
        first(ors_total ORDER BY session_number, session_date, session_id) FILTER (WHERE ors_total IS NOT NULL) AS first_ors,
        last(ors_total ORDER BY session_number, session_date, session_id) FILTER (WHERE ors_total IS NOT NULL) AS last_ors
    FROM period
    GROUP BY ALL
)
SELECT
    clinic, client_id, therapist_id, n_sessions,
    CASE WHEN n_ors >= 1 THEN first_ors END AS first_ors,
    CASE WHEN n_ors >= 1 THEN last_ors END AS last_ors,
    CASE WHEN n_ors >= 2 THEN last_ors - first_ors END AS change,
    CASE
        WHEN n_ors < 2 THEN 'insufficient'
        WHEN first_ors < $ors_cutoff AND last_ors >= $ors_cutoff AND last_ors - first_ors >= $ors_rci THEN 'recovered'
        WHEN last_ors - first_ors >= $ors_rci THEN 'improved'
        WHEN last_ors - first_ors <= -$ors_rci THEN 'deteriorated'
        ELSE 'unchanged'
    END AS category
FROM per_client
ORDER BY clinic, client_id;
