-- model_ors_clients: per client with an ORS total in the period, the intake and latest ORS and the sums over the later ORS that the expected treatment response's model needs (treatment_response in alliance/stats.py).
-- param start: date
-- param end: date
-- One row per client, not one per session: the model's fit needs only per-client sums of its
-- later ORS totals y and their time term t = ln(1 + sessions since intake): n_later, s_t, s_tt,
-- s_y, s_ty, s_yy (n_later 0 and the sums empty when the client has one ORS). The intake is the
-- client's first ORS total in the period and the latest their last (contract section 6 order,
-- which attended_seq numbers); "sessions since intake" is the session_number difference to the
-- intake's, as in the fragment ors_period, which model_ors_band reads. therapist_id is the
-- therapist of the client's latest attended session in the period, as in client_outcomes.
-- Two passes over the period's sessions: one per client (intake, latest, therapist), then the
-- later ORS joined to their client's intake and summed. Rows in clinic and client order.
WITH period AS (
    SELECT clinic, client_id, therapist_id, attended_seq, session_number, CAST(ors_total AS DOUBLE) AS ors
    FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
clients AS (
    SELECT clinic, client_id,
           arg_max(therapist_id, attended_seq) AS therapist_id,
           count(ors) AS n_ors,
           min(attended_seq) FILTER (WHERE ors IS NOT NULL) AS intake_seq,
           arg_min(ors, attended_seq) FILTER (WHERE ors IS NOT NULL) AS intake_ors,
           arg_min(session_number, attended_seq) FILTER (WHERE ors IS NOT NULL) AS intake_session,
           arg_max(session_number, attended_seq) FILTER (WHERE ors IS NOT NULL) AS session_number,
           arg_max(ors, attended_seq) FILTER (WHERE ors IS NOT NULL) AS ors
    FROM period
    GROUP BY clinic, client_id
    HAVING count(ors) > 0
),
later AS (
    SELECT p.clinic, p.client_id,
           count(*) AS n_later,
           sum(ln(1 + p.session_number - c.intake_session)) AS s_t,
           sum(ln(1 + p.session_number - c.intake_session) ^ 2) AS s_tt,
           sum(p.ors) AS s_y,
           sum(ln(1 + p.session_number - c.intake_session) * p.ors) AS s_ty,
           sum(p.ors * p.ors) AS s_yy
    FROM period p
    JOIN clients c ON p.clinic = c.clinic AND p.client_id = c.client_id AND p.attended_seq > c.intake_seq
    WHERE p.ors IS NOT NULL
    GROUP BY p.clinic, p.client_id
)
SELECT c.clinic, c.client_id, c.therapist_id, c.n_ors, c.intake_ors, c.intake_session, c.session_number, c.ors,
       coalesce(l.n_later, 0) AS n_later, l.s_t, l.s_tt, l.s_y, l.s_ty, l.s_yy
FROM clients c
LEFT JOIN later l USING (clinic, client_id)
ORDER BY c.clinic, c.client_id
