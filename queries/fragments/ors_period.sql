-- ors_period: every attended session in the period ($start, $end) with an ORS total, with its
-- client's intake (first ORS total in the period), latest ORS total and count of ORS totals.
-- A client's sessions are ordered by session_number, then session_date, then session_id
-- (attended_seq). log_time is ln(1 + sessions since intake), the session_number difference to
-- the intake's: the time term of the expected treatment response (alliance/stats.py).
WITH ors AS (
    SELECT clinic, client_id, attended_seq, session_number, CAST(ors_total AS DOUBLE) AS ors
    FROM attended_sessions
    WHERE ors_total IS NOT NULL
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
intake AS (
    SELECT clinic, client_id,
           count(*) AS n_ors,
           min(attended_seq) AS intake_seq,
           arg_min(ors, attended_seq) AS intake_ors,
           arg_min(session_number, attended_seq) AS intake_session,
           arg_max(ors, attended_seq) AS latest_ors,
           arg_max(session_number, attended_seq) AS latest_session
    FROM ors
    GROUP BY clinic, client_id
)
SELECT o.clinic, o.client_id, o.ors, o.attended_seq = i.intake_seq AS is_intake,
       ln(1 + o.session_number - i.intake_session) AS log_time,
       i.n_ors, i.intake_ors, i.intake_session, i.latest_ors, i.latest_session
FROM ors o
JOIN intake i USING (clinic, client_id)
