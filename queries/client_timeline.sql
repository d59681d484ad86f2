-- client_timeline: one row per attended session of one client in the period, with the client's and therapist's scores, the comment and the session's rupture status.
-- param start: date
-- param end: date
-- param clinic: text
-- param client_id: text
-- uses: rupture_status
-- Without a clinic and a client id the answer is empty (a timeline is always one client's).
-- Ruptures are found on the client's whole history (rupture_status); the period decides
-- which sessions, and so which ruptures, are shown.
SELECT
    a.session_id, a.session_number, a.session_date,
    a.srs_total, a.client_wai, a.therapist_wai, a.ors_total,
    a.comment, a.is_rated, a.therapist_id,
    r.srs_before AS rupture_srs_before,
    r.status AS rupture_status
FROM attended_sessions a
LEFT JOIN rupture_status r
       ON r.clinic = a.clinic AND r.client_id = a.client_id AND r.session_id = a.session_id
WHERE a.clinic = $clinic
  AND a.client_id = $client_id
  AND ($start IS NULL OR a.session_date >= $start)
  AND ($end IS NULL OR a.session_date <= $end)
ORDER BY a.attended_seq;
