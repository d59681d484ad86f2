-- wai_development: mean WAI-SR (client or therapist form) by session number and group, with a 95 % interval.
-- param start: date
-- param end: date
-- param group: sector|clinic|site = sector
-- level: group
-- suppress: n_clients peers _n_peer_clients within session_number, _parent keep session_number, group
-- param rater: client|therapist = therapist
-- param max_session: integer = 20
-- uses: development
-- n counts attended sessions whose form of that rater has a wai_mean (items or mean given). The
-- interval takes the therapist as its unit (the fragment development says how).
SELECT session_number, "group", _parent, n, n_clients, _n_peer_clients, mean, sd, ci_low, ci_high
FROM development
WHERE measure = CASE $rater WHEN 'client' THEN 'client_wai' ELSE 'therapist_wai' END
ORDER BY session_number, "group";
