-- session_levels: per attended session, what the caseload flags measure it against (docs/methods.md
-- "Caseload flags"), worked out once per build over each clinic's whole history, so that a new
-- period or filter only applies the thresholds (queries/fragments/flag_states.sql), which are
-- settings and take effect without a rebuild. No threshold is used here.
--
-- The alliance's expected level: the clinic's session-number curve is its mean SRS at each session
-- number, one mean from session 8 on (alliance rises over the first sessions for everyone). A
-- session's residual is its SRS total minus that curve; the client's own level before a session is
-- the mean of their earlier residuals (none before their first rated session: the curve alone).
-- below_own: how far the session lies below that expected level, to two decimals as scores are kept.
-- sigma2_e: the clinic's pooled within-client variance of the residuals (each client's sum of
-- squares over n - 1), from which the queries take the reliable change.
-- intake_ors and intake_session: the client's first ORS ever and its session number (the expected
-- treatment response's intake, ors_history); ors_seq: how many ORS up to this session; n_unrated: how
-- many of the last three attended sessions (this one included) have no client SRS; was_40 and
-- was_40_before: the two rated sessions before this one scored 40.
CREATE TABLE session_levels AS
WITH curve AS (
    SELECT clinic, least(session_number, 8) AS bucket, avg(CAST(srs_total AS DOUBLE)) AS expected
    FROM attended_sessions WHERE is_rated GROUP BY ALL
),
residuals AS (
    SELECT a.clinic, a.site, a.therapist_id, a.client_id, a.session_id, a.attended_seq, a.session_date,
           a.session_number, a.is_rated, a.rated_seq, a.srs_total, a.srs_prev, a.wai_discrepancy, a.ors_total,
           CAST(a.srs_total AS DOUBLE) - c.expected AS residual  -- empty for a session without an SRS
    FROM attended_sessions a
    LEFT JOIN curve c ON a.is_rated AND c.clinic = a.clinic AND c.bucket = least(a.session_number, 8)
),
spread AS (
    SELECT clinic, sum(ss) / nullif(sum(n - 1), 0) AS sigma2_e
    FROM (SELECT clinic, client_id, count(residual) AS n, var_pop(residual) * count(residual) AS ss
          FROM residuals WHERE residual IS NOT NULL GROUP BY ALL)
    GROUP BY clinic
)
SELECT r.clinic, r.site, r.therapist_id, r.client_id, r.session_id, r.attended_seq, r.session_date,
       r.session_number, r.is_rated, r.rated_seq, r.srs_total, r.srs_prev, r.wai_discrepancy, r.ors_total, s.sigma2_e,
       round(coalesce(avg(r.residual) OVER earlier, 0) - r.residual, 2) AS below_own,
       first_value(r.ors_total IGNORE NULLS) OVER whole AS intake_ors,
       first_value(CASE WHEN r.ors_total IS NOT NULL THEN r.session_number END IGNORE NULLS) OVER whole
           AS intake_session,
       count(r.ors_total) OVER up_to AS ors_seq,
       count(*) FILTER (WHERE NOT r.is_rated) OVER last_three AS n_unrated,
       lag(CASE WHEN r.is_rated THEN r.srs_total = 40 END, 1 IGNORE NULLS) OVER up_to AS was_40,
       lag(CASE WHEN r.is_rated THEN r.srs_total = 40 END, 2 IGNORE NULLS) OVER up_to AS was_40_before
FROM residuals r
LEFT JOIN spread s USING (clinic)
WINDOW up_to AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq),
       earlier AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
       whole AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
       last_three AS (PARTITION BY r.clinic, r.client_id ORDER BY r.attended_seq
                      ROWS BETWEEN 2 PRECEDING AND CURRENT ROW);
