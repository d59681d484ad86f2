-- alliance_states: every rated session up to the period's end ($end), in each client's whole history,
-- against the level expected of that client then (caseload flags, docs/methods.md "Caseload flags").
-- The clinic's session-number curve is its mean SRS at each session number, one mean from session 8
-- on (alliance rises over the first sessions for everyone). A session's residual is its SRS total
-- minus that curve; the client's own level before a session is the mean of their earlier residuals
-- (none before their first rated session: the clinic's curve is all that is expected). below_own is
-- how far the session lies below that expected level, to two decimals as scores are kept.
-- reliable_drop is the reliable-change threshold z_95 sqrt(2 sigma_e^2), with sigma_e^2 the clinic's
-- pooled within-client variance of the residuals (each client's sum of squares over n - 1), to two
-- decimals: a fall at least this large is not the usual session-to-session movement (p < .05).
-- is_low: the session is below the cutoff and at least reliable_drop below the client's expected level.
-- rated_after: how many of the client's rated sessions up to the period's end come after this one.
WITH rated AS (
    SELECT clinic, client_id, session_id, attended_seq, session_date, srs_total, least(session_number, 8) AS bucket
    FROM attended_sessions
    WHERE is_rated AND ($end IS NULL OR session_date <= $end)
),
curve AS (
    SELECT clinic, bucket, avg(CAST(srs_total AS DOUBLE)) AS expected FROM rated GROUP BY ALL
),
residuals AS (
    SELECT r.clinic, r.client_id, r.session_id, r.attended_seq, r.session_date, r.srs_total,
           CAST(r.srs_total AS DOUBLE) - c.expected AS residual
    FROM rated r JOIN curve c USING (clinic, bucket)
),
own AS (
    SELECT *, avg(residual) OVER (PARTITION BY clinic, client_id ORDER BY attended_seq
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS own_level,
           count(*) OVER (PARTITION BY clinic, client_id ORDER BY attended_seq
                          ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS rated_after
    FROM residuals
),
spread AS (
    SELECT clinic, round($z_95 * sqrt(2 * sum(ss) / nullif(sum(n - 1), 0)), 2) AS reliable_drop
    FROM (SELECT clinic, client_id, count(*) AS n, var_pop(residual) * count(*) AS ss FROM residuals GROUP BY ALL)
    GROUP BY clinic
)
SELECT o.clinic, o.client_id, o.session_id, o.attended_seq, o.session_date, o.srs_total, o.rated_after, s.reliable_drop,
       round(coalesce(o.own_level, 0) - o.residual, 2) AS below_own,
       coalesce(o.srs_total < $srs_cutoff AND round(coalesce(o.own_level, 0) - o.residual, 2) >= s.reliable_drop,
                false) AS is_low
FROM own o JOIN spread s USING (clinic)
