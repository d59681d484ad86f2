-- client_signals: per client with an attended session in the period, the signals a supervisor looks at (caseload flags without the model-based one).
-- param start: date
-- param end: date
-- uses: rupture_status
WITH per_client AS (
    -- "last" means the client's latest attended session in the period, in the contract's order (attended_seq).
    SELECT
        clinic, client_id,
        arg_max(therapist_id, attended_seq) AS therapist_id,
        arg_max(site, attended_seq) AS site,
        arg_max(sector, attended_seq) AS sector,
        count(*) AS n_sessions,
        count(*) FILTER (WHERE is_rated) AS n_rated,
        max(session_date) AS last_session_date,
        arg_max(srs_total, attended_seq) FILTER (WHERE is_rated) AS last_srs,
        arg_max(is_rated, attended_seq, 3) AS rated_in_last_three,
        bool_and(srs_total = 40) FILTER (WHERE is_rated) AS always_40,
        arg_max(client_wai - therapist_wai, attended_seq)
            FILTER (WHERE client_wai IS NOT NULL AND therapist_wai IS NOT NULL) AS last_discrepancy,
        count(ors_total) AS n_ors,
        arg_max(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS last_ors,
        arg_min(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS first_ors
    FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY clinic, client_id
),
rupture_flags AS (
    SELECT clinic, client_id,
           count(*) FILTER (WHERE status = 'open') AS n_open_ruptures,
           count(*) FILTER (WHERE status = 'unrepaired') AS n_unrepaired_ruptures
    FROM rupture_status
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY clinic, client_id
)
SELECT
    p.clinic, p.client_id, p.therapist_id, p.site, p.sector, p.n_sessions, p.n_rated, p.last_session_date,
    p.last_srs,
    coalesce(p.last_srs < $srs_cutoff, false) AS low_alliance,
    coalesce(r.n_open_ruptures, 0) AS n_open_ruptures,
    coalesce(r.n_unrepaired_ruptures, 0) AS n_unrepaired_ruptures,
    coalesce(r.n_open_ruptures, 0) + coalesce(r.n_unrepaired_ruptures, 0) > 0 AS rupture_flag,
    CASE WHEN p.n_ors >= 2 THEN p.last_ors - p.first_ors END AS ors_change,
    coalesce(p.n_ors >= 2 AND p.last_ors - p.first_ors <= -$ors_rci, false) AS deteriorated,
    round(p.last_discrepancy, 2) AS last_discrepancy,
    coalesce(abs(p.last_discrepancy) >= 1, false) AS large_discrepancy,
    len(p.rated_in_last_three) = 3 AND NOT list_bool_or(p.rated_in_last_three) AS no_recent_feedback,
    coalesce(p.n_rated >= 3 AND p.always_40, false) AS ceiling
FROM per_client p
LEFT JOIN rupture_flags r USING (clinic, client_id)
ORDER BY p.clinic, p.client_id;
