-- model_ors_clients: per client with an ORS total up to the period's end, the intake and latest ORS and the sums over the later ORS that the expected treatment response's model needs (treatment_response in alliance/stats.py).
-- param start: date
-- param end: date
-- uses: ors_history
-- One row per client, not one per session: the model's fit needs only per-client sums of its
-- later ORS totals y and their time term t = ln(1 + sessions since intake): n_later, s_t, s_tt,
-- s_y, s_ty, s_yy (n_later 0 and the sums empty when the client has one ORS). The intake is the
-- client's first ORS total in their whole history up to the period's end and the latest their last
-- (ors_history). The model is fitted on every client of the clinic up to the period's end (more
-- clients, and the same model for a client whatever period is asked); in_period says whether the
-- client has an ORS total in the period, and only those are shown. therapist_id is the therapist of
-- the client's latest attended session in the period, as in client_outcomes. Rows in clinic and
-- client order.
WITH per_client AS (
    SELECT clinic, client_id,
           count(*) AS n_ors,
           any_value(intake_ors) AS intake_ors,
           any_value(intake_session) AS intake_session,
           arg_max(session_number, attended_seq) AS session_number,
           arg_max(ors, attended_seq) AS ors,
           bool_or($start IS NULL OR session_date >= $start) AS in_period,
           count(*) FILTER (WHERE NOT is_intake) AS n_later,
           sum(log_time) FILTER (WHERE NOT is_intake) AS s_t,
           sum(log_time ^ 2) FILTER (WHERE NOT is_intake) AS s_tt,
           sum(ors) FILTER (WHERE NOT is_intake) AS s_y,
           sum(log_time * ors) FILTER (WHERE NOT is_intake) AS s_ty,
           sum(ors * ors) FILTER (WHERE NOT is_intake) AS s_yy
    FROM ors_history
    GROUP BY clinic, client_id
),
therapist AS (
    SELECT clinic, client_id, arg_max(therapist_id, attended_seq) AS therapist_id
    FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY clinic, client_id
)
SELECT p.clinic, p.client_id, t.therapist_id, p.n_ors, p.intake_ors, p.intake_session, p.session_number, p.ors,
       p.in_period, p.n_later, p.s_t, p.s_tt, p.s_y, p.s_ty, p.s_yy
FROM per_client p
LEFT JOIN therapist t USING (clinic, client_id)
ORDER BY p.clinic, p.client_id
