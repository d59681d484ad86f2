-- model_scope_clients: the clients with an attended session in the period that the viewer's scope shows; a model fitted per clinic is filtered to them.
-- param start: date
-- param end: date
SELECT DISTINCT clinic, client_id
FROM attended_sessions
WHERE ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
ORDER BY clinic, client_id;
