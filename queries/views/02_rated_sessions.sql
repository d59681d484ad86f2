-- rated_sessions (a view): the attended sessions with a client SRS total, numbered in each client's order
-- (contract section 6: by session_number, then session_date, then session_id), with the score
-- of the client's previous rated session. Built once per store build; thresholds are applied
-- by the queries, so a clinic's settings take effect without a rebuild. rated_seq and srs_prev
-- come from attended_sessions' one window pass; this view keeps their rows and order, with nothing written twice.
CREATE VIEW rated_sessions AS
SELECT * FROM attended_sessions WHERE is_rated;
