-- client_outcomes: first and last ORS in the period and the outcome category, per client with an attended session (contract section 7).
-- param start: date
-- param end: date
-- uses: client_outcome
SELECT clinic, client_id, therapist_id, n_sessions, first_ors, last_ors, change, category
FROM client_outcome
ORDER BY clinic, client_id;
