-- alliance_development: mean client SRS total by session number and group, with a 95 % interval (how the alliance develops over treatment).
-- param start: date
-- param end: date
-- param group: sector|clinic|site = sector
-- level: group
-- suppress: n_clients peers _n_peer_clients within session_number, _parent keep session_number, group
-- param max_session: integer = 20
-- uses: development
-- Sessions are numbered as the export numbers them (scheduled sessions, cancellations included);
-- a session counts at its number when it was attended and rated. The interval takes the therapist
-- as its unit (the fragment development says how).
SELECT session_number, "group", _parent, n, n_clients, _n_peer_clients, mean, sd, ci_low, ci_high
FROM development
WHERE measure = 'srs'
ORDER BY session_number, "group";
