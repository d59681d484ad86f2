-- flag_states: every attended session of every client's history up to the period's end ($end), with
-- whether each caseload flag is raised there, judged on what was known then (docs/methods.md "Caseload
-- flags"). One row per session and one column per flag (empty where the flag does not look at that
-- session), so that one sort of each client's sessions serves every flag.
--
-- The alliance's expected level: the clinic's session-number curve is its mean SRS at each session
-- number, one mean from session 8 on (alliance rises over the first sessions for everyone). A
-- session's residual is its SRS total minus that curve; the client's own level before a session is
-- the mean of their earlier residuals (none before their first rated session: the curve alone).
-- below_own: how far the session lies below that expected level, to two decimals as scores are kept.
-- reliable_drop: the reliable change z_95 sqrt(2 sigma_e^2), sigma_e^2 the clinic's pooled
-- within-client variance of the residuals (each client's sum of squares over n - 1), to two decimals.
--
-- The per-session rules:
-- - low_alliance: a rated session below the cutoff and at least reliable_drop below the expected level;
-- - rupture_flag: a rated session at least rupture_drop below the client's previous rated session
--   (contract section 6) that is a reliable fall both from that session and from the expected level;
-- - deteriorated: an ORS after the intake (the client's first ORS) at least ors_rci below it;
-- - large_discrepancy: a session both rated with the WAI-SR, the means at least one point apart;
-- - no_recent_feedback: an attended session without a client SRS, as were the two before it;
-- - ceiling: a rated session of 40, as were the two rated sessions before it.
-- <flag>_trailing: no later session of the client (up to the period's end) has the flag down, so
-- this session belongs to the run that the latest ends. The model-based not on track is in
-- ors_track_states (it needs the clinic's fitted coefficients).
WITH history AS (
    SELECT clinic, client_id, session_id, attended_seq, session_date, least(session_number, 8) AS bucket, is_rated,
           srs_total, srs_prev, wai_discrepancy, ors_total
    FROM attended_sessions
    WHERE ($end IS NULL OR session_date <= $end)
),
curve AS (
    SELECT clinic, bucket, avg(CAST(srs_total AS DOUBLE)) AS expected FROM history WHERE is_rated GROUP BY ALL
),
residuals AS (
    SELECT h.*, CAST(h.srs_total AS DOUBLE) - c.expected AS residual  -- empty for a session without an SRS
    FROM history h
    LEFT JOIN curve c ON h.is_rated AND c.clinic = h.clinic AND c.bucket = h.bucket
),
spread AS (
    SELECT clinic, round($z_95 * sqrt(2 * sum(ss) / nullif(sum(n - 1), 0)), 2) AS reliable_drop
    FROM (SELECT clinic, client_id, count(residual) AS n, var_pop(residual) * count(residual) AS ss
          FROM residuals WHERE residual IS NOT NULL GROUP BY ALL)
    GROUP BY clinic
),
ordered AS (
    SELECT r.*, s.reliable_drop,
           avg(residual) OVER earlier AS own_level,
           count(residual) OVER later AS rated_after,
           first_value(ors_total IGNORE NULLS) OVER whole AS intake_ors,
           count(ors_total) OVER up_to AS ors_seq,
           count(*) FILTER (WHERE NOT is_rated) OVER last_three AS n_unrated,
           lag(CASE WHEN is_rated THEN srs_total = 40 END, 1 IGNORE NULLS) OVER up_to AS was_40,
           lag(CASE WHEN is_rated THEN srs_total = 40 END, 2 IGNORE NULLS) OVER up_to AS was_40_before
    FROM residuals r
    LEFT JOIN spread s USING (clinic)
    WINDOW up_to AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq),
           earlier AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
           later AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq
                     ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),
           whole AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq
                     ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
           last_three AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq
                          ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
),
states AS (
    SELECT clinic, client_id, session_id, attended_seq, session_date, srs_total, reliable_drop, rated_after,
           round(coalesce(own_level, 0) - residual, 2) AS below_own,
           CASE WHEN is_rated THEN coalesce(srs_total < $srs_cutoff
                                            AND round(coalesce(own_level, 0) - residual, 2) >= reliable_drop, false)
           END AS low_alliance,
           CASE WHEN is_rated THEN coalesce(srs_prev - srs_total >= $rupture_drop
                                            AND srs_prev - srs_total >= reliable_drop
                                            AND round(coalesce(own_level, 0) - residual, 2) >= reliable_drop, false)
           END AS rupture_flag,
           CASE WHEN ors_total IS NOT NULL AND ors_seq > 1 THEN ors_total - intake_ors <= -$ors_rci END AS deteriorated,
           CASE WHEN wai_discrepancy IS NOT NULL THEN abs(wai_discrepancy) >= 1 END AS large_discrepancy,
           n_unrated = 3 AS no_recent_feedback,
           CASE WHEN is_rated THEN srs_total = 40 AND coalesce(was_40 AND was_40_before, false) END AS ceiling
    FROM ordered
)
SELECT *,
       count(*) FILTER (WHERE NOT low_alliance) OVER after = 0 AS low_alliance_trailing,
       count(*) FILTER (WHERE NOT deteriorated) OVER after = 0 AS deteriorated_trailing,
       count(*) FILTER (WHERE NOT large_discrepancy) OVER after = 0 AS large_discrepancy_trailing,
       count(*) FILTER (WHERE NOT no_recent_feedback) OVER after = 0 AS no_recent_feedback_trailing,
       count(*) FILTER (WHERE NOT ceiling) OVER after = 0 AS ceiling_trailing
FROM states
WINDOW after AS (PARTITION BY clinic, client_id ORDER BY attended_seq ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
