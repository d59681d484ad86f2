-- model_scope_therapists: the therapists with a rated session in the period that the viewer's scope shows; a model fitted per clinic is filtered to them.
-- param start: date
-- param end: date
SELECT DISTINCT clinic, therapist_id
FROM attended_sessions
WHERE is_rated
  AND ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
ORDER BY clinic, therapist_id;
