-- ors_history: every attended session up to the period's end ($end) with an ORS total, in each
-- client's whole history, with the client's intake: their first ORS total (not the first in the
-- period; issue 18), in the contract's order (attended_seq). log_time is ln(1 + sessions since
-- intake), the session_number difference to the intake's: the time term of the expected treatment
-- response (alliance/stats.py). bucket is that difference, one bucket from 8 on: the expected-response
-- band is set per bucket, as the spread around the expected course changes over a treatment.
WITH ors AS (
    SELECT clinic, client_id, attended_seq, session_date, session_number, CAST(ors_total AS DOUBLE) AS ors
    FROM attended_sessions
    WHERE ors_total IS NOT NULL
      AND ($end IS NULL OR session_date <= $end)
),
intake AS (
    SELECT clinic, client_id,
           min(attended_seq) AS intake_seq,
           arg_min(ors, attended_seq) AS intake_ors,
           arg_min(session_number, attended_seq) AS intake_session
    FROM ors
    GROUP BY clinic, client_id
)
SELECT o.clinic, o.client_id, o.attended_seq, o.session_date, o.session_number, o.ors,
       o.attended_seq = i.intake_seq AS is_intake,
       ln(1 + o.session_number - i.intake_session) AS log_time,
       least(o.session_number - i.intake_session, 8) AS bucket,
       i.intake_ors, i.intake_session
FROM ors o
JOIN intake i USING (clinic, client_id)
