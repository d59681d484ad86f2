-- ors_history: every attended session up to the period's end ($end) with an ORS total, in each
-- client's whole history, with the client's intake: their first ORS total (not the first in the
-- period; issue 18), in the contract's order (attended_seq). log_time is ln(1 + sessions since
-- intake), the session_number difference to the intake's: the time term of the expected treatment
-- response (alliance/stats.py). bucket is that difference, one bucket from 8 on: the expected-response
-- band is set per bucket, as the spread around the expected course changes over a treatment. The
-- intake of each session is in session_levels, worked out once per build.
SELECT clinic, client_id, attended_seq, session_date, session_number, CAST(ors_total AS DOUBLE) AS ors,
       ors_seq = 1 AS is_intake,
       ln(1 + session_number - intake_session) AS log_time,
       least(session_number - intake_session, 8) AS bucket,
       CAST(intake_ors AS DOUBLE) AS intake_ors, intake_session
FROM session_levels
WHERE ors_total IS NOT NULL
  AND ($end IS NULL OR session_date <= $end)
