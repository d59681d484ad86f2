-- ruptures: one row per rupture whose session lies in the period; found on the whole history (contract section 7).
-- param start: date
-- param end: date
-- uses: rupture_status
SELECT clinic, client_id, therapist_id, session_id, session_number, session_date,
       srs_before, srs_at, "drop", status
FROM rupture_status
WHERE ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
ORDER BY clinic, client_id, session_number, session_date, session_id;
