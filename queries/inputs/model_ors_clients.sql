-- model_ors_clients: per client with an ORS total in the period, the intake and latest ORS and the sums over the later ORS that the expected treatment response's model needs (treatment_response in alliance/stats.py).
-- param start: date
-- param end: date
-- uses: ors_period
-- One row per client, not one per session: the model's fit needs only per-client sums of its
-- later ORS totals y and their time term t = ln(1 + sessions since intake): n_later, s_t, s_tt,
-- s_y, s_ty, s_yy (empty when the client has one ORS). therapist_id is the therapist of the
-- client's latest attended session in the period, as in client_outcomes.
WITH latest_therapist AS (
    SELECT clinic, client_id, arg_max(therapist_id, attended_seq) AS therapist_id
    FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY clinic, client_id
),
clients AS (
    SELECT clinic, client_id,
           any_value(n_ors) AS n_ors,
           any_value(intake_ors) AS intake_ors,
           any_value(intake_session) AS intake_session,
           any_value(latest_session) AS session_number,
           any_value(latest_ors) AS ors,
           count(*) FILTER (WHERE NOT is_intake) AS n_later,
           sum(log_time) FILTER (WHERE NOT is_intake) AS s_t,
           sum(log_time * log_time) FILTER (WHERE NOT is_intake) AS s_tt,
           sum(ors) FILTER (WHERE NOT is_intake) AS s_y,
           sum(log_time * ors) FILTER (WHERE NOT is_intake) AS s_ty,
           sum(ors * ors) FILTER (WHERE NOT is_intake) AS s_yy
    FROM ors_period
    GROUP BY clinic, client_id
)
SELECT c.clinic, c.client_id, t.therapist_id, c.n_ors, c.intake_ors, c.intake_session, c.session_number, c.ors,
       c.n_later, c.s_t, c.s_tt, c.s_y, c.s_ty, c.s_yy
FROM clients c
JOIN latest_therapist t USING (clinic, client_id)
