-- attended_sessions: one row per attended session, with its client's and therapist's feedback.
-- Built once per store build. Every figure of contract section 6 starts here.
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
    CAST(date_trunc('month', s.session_date) AS DATE) AS month,
    s.ors_1, s.ors_2, s.ors_3, s.ors_4, s.ors_total,
    c.srs_1, c.srs_2, c.srs_3, c.srs_4, c.srs_total,
    c.wai_mean AS client_wai,
    t.wai_mean AS therapist_wai,
    c.comment,
    c.srs_total IS NOT NULL AS is_rated
FROM sessions s
LEFT JOIN feedback c ON c.clinic = s.clinic AND c.session_id = s.session_id AND c.rater = 'client'
LEFT JOIN feedback t ON t.clinic = s.clinic AND t.session_id = s.session_id AND t.rater = 'therapist'
WHERE s.status = 'attended'
ORDER BY s.clinic, s.client_id, s.session_number, s.session_date, s.session_id;
