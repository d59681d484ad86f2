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
        session_number, "group", _parent,
        CAST(sum(n) AS BIGINT) AS n,
        CAST(sum(n_clients) AS BIGINT) AS n_clients,
        CAST(coalesce(sum(n_clients) FILTER (WHERE NOT ($own_all_clinics OR list_contains($own_clinics, clinic))), 0) AS BIGINT) AS _n_peer_clients,
        CAST(sum(s) AS DOUBLE) / sum(n) AS mean,
        CASE WHEN sum(n) > 1 THEN sqrt(CAST(sum(n) * sum(ss) - sum(s) * sum(s) AS DOUBLE) / (sum(n) * (sum(n) - 1))) END AS sd
    FROM (
    -- Clients are counted within their clinic (a client_id is unique only there) and summed over
    -- the group's clinics; mean and sd come from exact decimal sums (see alliance_trend).
        SELECT
            session_number,
            CASE $group WHEN 'sector' THEN sector WHEN 'clinic' THEN clinic ELSE site END AS "group",
            CASE $group WHEN 'site' THEN clinic WHEN 'clinic' THEN sector ELSE '' END AS _parent,
            clinic,
            count(*) AS n,
            count(DISTINCT client_id) AS n_clients,
            sum(wai) AS s,
            sum(wai * wai) AS ss
        FROM (
            SELECT clinic, client_id, sector, site, session_number, session_date,
                   CASE $rater WHEN 'client' THEN client_wai ELSE therapist_wai END AS wai
            FROM attended_sessions
        )
        WHERE wai IS NOT NULL
          AND session_number <= $max_session
          AND ($start IS NULL OR session_date >= $start)
          AND ($end IS NULL OR session_date <= $end)
        GROUP BY ALL
    )
    GROUP BY ALL
)
ORDER BY session_number, "group";
