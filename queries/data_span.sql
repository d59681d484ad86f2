-- data_span: the first and last attended session date, and how many there are (for period defaults).
SELECT min(session_date) AS first_date, max(session_date) AS last_date, count(*) AS n_sessions
FROM attended_sessions;
