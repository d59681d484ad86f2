-- flag_states: for every session of every client's history up to the period's end ($end), whether
-- each caseload flag is raised at that session, judged on what was known then (one row per client,
-- flag and session; docs/methods.md "Caseload flags"). The per-session rules:
-- - low_alliance: the rated session is low against the client's expected level (alliance_states);
-- - rupture_flag: the rated session is a rupture (at least rupture_drop below the client's previous
--   rated session, contract section 6) that is a reliable fall (at least reliable_drop) both from that
--   session and from the client's own level (alliance_states);
-- - deteriorated: an ORS after the intake (the client's first ORS) at least ors_rci below it;
-- - large_discrepancy: a session both rated with the WAI-SR, the means at least one point apart;
-- - no_recent_feedback: an attended session without a client SRS, as were the two before it;
-- - ceiling: a rated session of 40, as were the two rated sessions before it.
-- The model-based not on track is in ors_track_states (it needs the clinic's fitted coefficients).
WITH history AS (
    SELECT clinic, client_id, attended_seq, session_date, is_rated, srs_total, srs_prev, wai_discrepancy, ors_total
    FROM attended_sessions
    WHERE ($end IS NULL OR session_date <= $end)
),
ors AS (
    SELECT clinic, client_id, attended_seq, session_date, ors_total,
           first_value(ors_total) OVER (PARTITION BY clinic, client_id ORDER BY attended_seq) AS intake_ors,
           row_number() OVER (PARTITION BY clinic, client_id ORDER BY attended_seq) AS ors_seq
    FROM history
    WHERE ors_total IS NOT NULL
),
rated AS (
    SELECT clinic, client_id, attended_seq, session_date, srs_total,
           count(*) FILTER (WHERE srs_total = 40) OVER last_three AS n_40, count(*) OVER last_three AS n_in
    FROM history
    WHERE is_rated
    WINDOW last_three AS (PARTITION BY clinic, client_id ORDER BY attended_seq ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
),
attended AS (
    SELECT clinic, client_id, attended_seq, session_date,
           count(*) FILTER (WHERE NOT is_rated) OVER last_three AS n_unrated
    FROM history
    WINDOW last_three AS (PARTITION BY clinic, client_id ORDER BY attended_seq ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)
)
SELECT clinic, client_id, 'low_alliance' AS flag, attended_seq, session_date, is_low AS raised
FROM alliance_states
UNION ALL
SELECT h.clinic, h.client_id, 'rupture_flag', h.attended_seq, h.session_date,
       coalesce(h.srs_prev - h.srs_total >= $rupture_drop AND h.srs_prev - h.srs_total >= a.reliable_drop
                AND a.below_own >= a.reliable_drop, false)
FROM history h
JOIN alliance_states a USING (clinic, client_id, attended_seq)
UNION ALL
SELECT clinic, client_id, 'deteriorated', attended_seq, session_date, ors_total - intake_ors <= -$ors_rci
FROM ors WHERE ors_seq > 1
UNION ALL
SELECT clinic, client_id, 'large_discrepancy', attended_seq, session_date, abs(wai_discrepancy) >= 1
FROM history WHERE wai_discrepancy IS NOT NULL
UNION ALL
SELECT clinic, client_id, 'no_recent_feedback', attended_seq, session_date, n_unrated = 3
FROM attended
UNION ALL
SELECT clinic, client_id, 'ceiling', attended_seq, session_date, n_40 = 3
FROM rated
