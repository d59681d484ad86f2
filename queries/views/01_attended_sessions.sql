-- attended_sessions: one row per attended session, with its client's and therapist's feedback.
-- Built once per store build. Every figure of contract section 6 starts here.
-- WAI-SR subscales (contract section 3, Hatcher & Gillaspy 2006) are the mean of their items:
-- task = 1, 2, 10, 12; bond = 3, 5, 7, 9; goal = 4, 6, 8, 11. A form that gives only wai_mean has
-- no subscales (any missing item leaves the sum, and so the subscale, empty).
-- attended_seq numbers each client's attended sessions in the contract's order (session_number,
-- then session_date, then session_id), so that queries can take a client's first or last session
-- with arg_min/arg_max instead of sorting. The same pass numbers the rated sessions (rated_seq,
-- empty for a session without a client SRS total) and carries the score of the client's previous
-- rated session (srs_prev), so rated_sessions is a plain filter of this table, not a second sort.
CREATE TABLE attended_sessions AS
SELECT
    s.clinic,
    s.site,
    s.sector,
    s.therapist_id,
    s.client_id,
    s.session_id,
    s.session_date,
    s.session_number,
    row_number() OVER client_order AS attended_seq,
    CAST(date_trunc('month', s.session_date) AS DATE) AS month,
    s.ors_1, s.ors_2, s.ors_3, s.ors_4, s.ors_total,
    c.srs_1, c.srs_2, c.srs_3, c.srs_4, c.srs_total,
    c.wai_mean AS client_wai,
    t.wai_mean AS therapist_wai,
    c.comment,
    c.srs_total IS NOT NULL AS is_rated,
    c.wai_mean - t.wai_mean AS wai_discrepancy,
    CAST((c.wai_4 + c.wai_6 + c.wai_8 + c.wai_11) / 4 AS DECIMAL(6, 2)) AS client_wai_goal,
    CAST((c.wai_1 + c.wai_2 + c.wai_10 + c.wai_12) / 4 AS DECIMAL(6, 2)) AS client_wai_task,
    CAST((c.wai_3 + c.wai_5 + c.wai_7 + c.wai_9) / 4 AS DECIMAL(6, 2)) AS client_wai_bond,
    CAST((t.wai_4 + t.wai_6 + t.wai_8 + t.wai_11) / 4 AS DECIMAL(6, 2)) AS therapist_wai_goal,
    CAST((t.wai_1 + t.wai_2 + t.wai_10 + t.wai_12) / 4 AS DECIMAL(6, 2)) AS therapist_wai_task,
    CAST((t.wai_3 + t.wai_5 + t.wai_7 + t.wai_9) / 4 AS DECIMAL(6, 2)) AS therapist_wai_bond,
    CASE WHEN c.srs_total IS NOT NULL
         THEN count(*) FILTER (WHERE c.srs_total IS NOT NULL) OVER client_order END AS rated_seq,
    lag(c.srs_total IGNORE NULLS) OVER client_order AS srs_prev
FROM sessions s
LEFT JOIN feedback c ON c.clinic = s.clinic AND c.session_id = s.session_id AND c.rater = 'client'
LEFT JOIN feedback t ON t.clinic = s.clinic AND t.session_id = s.session_id AND t.rater = 'therapist'
WHERE s.status = 'attended'
WINDOW client_order AS (PARTITION BY s.clinic, s.client_id ORDER BY s.session_number, s.session_date, s.session_id)
ORDER BY s.clinic, s.client_id, s.session_number, s.session_date, s.session_id;
