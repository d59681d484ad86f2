-- completion: client feedback completion per therapist and month: attended sessions, those with a client SRS total, and the rate in per cent.
-- param start: date
-- param end: date
SELECT
    clinic, therapist_id, month,
    count(*) AS n_sessions,
    count(*) FILTER (WHERE is_rated) AS n_rated,
    round(100.0 * count(*) FILTER (WHERE is_rated) / NULLIF(count(*), 0), 2) AS completion_rate
FROM attended_sessions
WHERE ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
GROUP BY ALL
ORDER BY clinic, therapist_id, month;
