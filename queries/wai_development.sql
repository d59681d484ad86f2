-- wai_development: mean WAI-SR (client or therapist form) by session number and group, with a 95 % interval.
-- param start: date
-- param end: date
-- param group: sector|clinic|site = sector
-- level: group
-- suppress: n_clients peers _n_peer_clients within session_number, _parent keep session_number, group
-- param rater: client|therapist = therapist
-- param max_session: integer = 20
-- n counts attended sessions whose form of that rater has a wai_mean (items or mean given).
-- The interval is mean ± t(0.975, n - 1) · sd / √n; empty under n = 2.
SELECT
    session_number, "group", _parent, n, n_clients, _n_peer_clients,
    round(mean, 2) AS mean,
    round(sd, 2) AS sd,
    round(mean - t_975(n - 1) * sd / sqrt(n), 2) AS ci_low,
    round(mean + t_975(n - 1) * sd / sqrt(n), 2) AS ci_high
FROM (
    SELECT
        session_number,
        CASE $group WHEN 'sector' THEN sector WHEN 'clinic' THEN clinic ELSE site END AS "group",
        CASE $group WHEN 'site' THEN clinic WHEN 'clinic' THEN sector ELSE '' END AS _parent,
        count(wai) AS n,
        count(DISTINCT (clinic, client_id)) AS n_clients,
        count(DISTINCT (clinic, client_id)) FILTER (WHERE NOT ($own_all_clinics OR list_contains($own_clinics, clinic))) AS _n_peer_clients,
        avg(wai) AS mean,
        stddev_samp(wai) AS sd
    FROM (
        SELECT *, CASE $rater WHEN 'client' THEN client_wai ELSE therapist_wai END AS wai
        FROM attended_sessions
    )
    WHERE wai IS NOT NULL
      AND session_number <= $max_session
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY ALL
)
ORDER BY session_number, "group";
