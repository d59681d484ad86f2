-- client_outcome: per client with an attended session in the period ($start, $end), the first and
-- last ORS total within the period, the change and the outcome category (contract section 6);
-- with the therapist, site and sector of the client's latest attended session in the period.
-- A client's sessions are ordered by session_number, then session_date, then session_id (attended_seq).
SELECT
    clinic, client_id, therapist_id, site, sector, n_sessions,
    first_ors, last_ors,
    CASE WHEN n_ors >= 2 THEN last_ors - first_ors END AS change,
    CASE
        WHEN n_ors < 2 THEN 'insufficient'
        WHEN first_ors < $ors_cutoff AND last_ors >= $ors_cutoff AND last_ors - first_ors >= $ors_rci THEN 'recovered'
        WHEN last_ors - first_ors >= $ors_rci THEN 'improved'
        WHEN last_ors - first_ors <= -$ors_rci THEN 'deteriorated'
        ELSE 'unchanged'
    END AS category
FROM (
    SELECT
        clinic, client_id,
        arg_max(therapist_id, attended_seq) AS therapist_id,
        arg_max(site, attended_seq) AS site,
        arg_max(sector, attended_seq) AS sector,
        count(*) AS n_sessions,
        count(ors_total) AS n_ors,
        arg_min(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS first_ors,
        arg_max(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS last_ors
    FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY clinic, client_id
)
