-- wai_pairs: one row per attended session where both client and therapist filled in the WAI-SR: the two means side by side (the dual-perspective scatter).
-- param start: date
-- param end: date
-- Pair level, so a figure can show how far each pair lies from agreement (client = therapist);
-- dual_perspective gives the same pairs summed up per therapist. Means are cast to DOUBLE so
-- that every reader gets plain floating-point numbers, not decimals.
SELECT
    clinic, therapist_id, client_id, session_id, session_number, session_date,
    CAST(client_wai AS DOUBLE) AS client_wai,
    CAST(therapist_wai AS DOUBLE) AS therapist_wai
FROM attended_sessions
WHERE client_wai IS NOT NULL AND therapist_wai IS NOT NULL
  AND ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
ORDER BY clinic, therapist_id, client_id, session_number, session_date, session_id;
