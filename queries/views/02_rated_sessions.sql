-- rated_sessions: the attended sessions with a client SRS total, numbered in each client's order
-- (contract section 6: by session_number, then session_date, then session_id), with the score
-- of the client's previous rated session. Built once per store build; thresholds are applied
-- by the queries, so a clinic's settings take effect without a rebuild.
CREATE TABLE rated_sessions AS
SELECT
    *,
    row_number() OVER client_order AS rated_seq,
    lag(srs_total) OVER client_order AS srs_prev
FROM attended_sessions
WHERE is_rated
WINDOW client_order AS (PARTITION BY clinic, client_id ORDER BY session_number, session_date, session_id)
ORDER BY clinic, client_id, rated_seq;
