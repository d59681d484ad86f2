-- discrepancy_development: client minus therapist WAI-SR mean by session number and group, at attended sessions where both rated, with a 95 % interval (do the two views converge?).
-- param start: date
-- param end: date
-- param group: sector|clinic|site = sector
-- level: group
-- suppress: n_clients peers _n_peer_clients within session_number, _parent keep session_number, group
-- param max_session: integer = 20
-- uses: development
-- Positive means the client rates the alliance higher than the therapist. The interval takes the
-- therapist as its unit (the fragment development says how).
SELECT session_number, "group", _parent, n, n_clients, _n_peer_clients, mean, sd, ci_low, ci_high,
       mean_client_wai, mean_therapist_wai
FROM development
WHERE measure = 'discrepancy'
ORDER BY session_number, "group";
