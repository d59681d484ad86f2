-- model_ors_scores: every attended session in the period with an ORS total, with the client's intake (first) ORS, for treatment_response in alliance/stats.py.
-- param start: date
-- param end: date
-- intake_ors and intake_session are the client's first ORS total in the period and its
-- session_number; ors_seq numbers a client's ORS totals (1 = intake) in the contract's order
-- (session_number, session_date, session_id); n_ors counts them. therapist_id is the therapist of
-- the client's latest attended session in the period, as in client_outcomes.
WITH period AS (
    SELECT * FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
latest_therapist AS (
    SELECT clinic, client_id,
           last(therapist_id ORDER BY session_number, session_date, session_id) AS therapist_id
    FROM period
    GROUP BY clinic, client_id
),
scored AS (
    SELECT clinic, client_id, session_number, session_date, session_id,
           CAST(ors_total AS DOUBLE) AS ors,
           row_number() OVER client_order AS ors_seq,
           first(CAST(ors_total AS DOUBLE)) OVER client_order AS intake_ors,
           first(session_number) OVER client_order AS intake_session,
           count(*) OVER (PARTITION BY clinic, client_id) AS n_ors
    FROM period
    WHERE ors_total IS NOT NULL
    WINDOW client_order AS (PARTITION BY clinic, client_id ORDER BY session_number, session_date, session_id
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT s.clinic, s.client_id, t.therapist_id, s.session_number, s.ors, s.ors_seq, s.n_ors,
       s.intake_ors, s.intake_session
FROM scored s
JOIN latest_therapist t USING (clinic, client_id)
ORDER BY s.clinic, s.client_id, s.ors_seq;
