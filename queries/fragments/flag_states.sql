-- flag_states: every attended session of every client's history up to the period's end ($end), with
-- whether each caseload flag is raised there (docs/methods.md "Caseload flags"). One row per session
-- and one column per flag (empty where the flag does not look at that session). What each session is
-- measured against (the client's expected level, the clinic's within-client variance, the intake
-- ORS) is in session_levels, worked out once per build; here only the thresholds, which are
-- settings, are applied, row by row.
-- reliable_drop: the reliable change z_95 sqrt(2 sigma_e^2), to two decimals.
--
-- The per-session rules:
-- - low_alliance: a rated session below the cutoff and at least reliable_drop below the expected level;
-- - rupture_flag: a rated session at least rupture_drop below the client's previous rated session
--   (contract section 6) that is a reliable fall both from that session and from the expected level;
-- - deteriorated: an ORS after the intake (the client's first ORS) at least ors_rci below it;
-- - large_discrepancy: a session both rated with the WAI-SR, the means at least one point apart;
-- - no_recent_feedback: an attended session without a client SRS, as were the two before it;
-- - ceiling: a rated session of 40, as were the two rated sessions before it.
-- The model-based not on track is in ors_track_states (it needs the clinic's fitted coefficients).
WITH levels AS (
    SELECT *, round($z_95 * sqrt(2 * sigma2_e), 2) AS reliable_drop
    FROM session_levels
    WHERE ($end IS NULL OR session_date <= $end)
)
SELECT clinic, client_id, session_id, attended_seq, session_date, rated_seq, srs_total, reliable_drop, below_own,
       CASE WHEN is_rated THEN coalesce(srs_total < $srs_cutoff AND below_own >= reliable_drop, false)
       END AS low_alliance,
       CASE WHEN is_rated THEN coalesce(srs_prev - srs_total >= $rupture_drop AND srs_prev - srs_total >= reliable_drop
                                        AND below_own >= reliable_drop, false)
       END AS rupture_flag,
       CASE WHEN ors_total IS NOT NULL AND ors_seq > 1 THEN ors_total - intake_ors <= -$ors_rci END AS deteriorated,
       CASE WHEN wai_discrepancy IS NOT NULL THEN abs(wai_discrepancy) >= 1 END AS large_discrepancy,
       n_unrated = 3 AS no_recent_feedback,
       CASE WHEN is_rated THEN srs_total = 40 AND coalesce(was_40 AND was_40_before, false) END AS ceiling
FROM levels
