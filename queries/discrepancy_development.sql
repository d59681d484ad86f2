-- discrepancy_development: client minus therapist WAI-SR mean by session number and group, at attended sessions where both rated, with a 95 % interval (do the two views converge?).
-- param start: date
-- param end: date
-- param group: sector|clinic|site = sector
-- level: group
-- suppress: n_clients peers _n_peer_clients within session_number, _parent keep session_number, group
-- param max_session: integer = 20
-- Positive means the client rates the alliance higher than the therapist. The interval is
-- mean ± t(0.975, n - 1) · sd / √n over the session-level discrepancies; empty under n = 2.
SELECT
    session_number, "group", _parent, n, n_clients, _n_peer_clients,
    round(mean, 2) AS mean,
    round(sd, 2) AS sd,
    round(mean - t_975(n - 1) * sd / sqrt(n), 2) AS ci_low,
    round(mean + t_975(n - 1) * sd / sqrt(n), 2) AS ci_high,
    round(mean_client_wai, 2) AS mean_client_wai,
    round(mean_therapist_wai, 2) AS mean_therapist_wai
FROM (
    SELECT
        session_number, "group", _parent,
        CAST(sum(n) AS BIGINT) AS n,
        CAST(sum(n_clients) AS BIGINT) AS n_clients,
        CAST(coalesce(sum(n_clients) FILTER (WHERE NOT ($own_all_clinics OR list_contains($own_clinics, clinic))), 0) AS BIGINT) AS _n_peer_clients,
        CAST(sum(s) AS DOUBLE) / sum(n) AS mean,
        CASE WHEN sum(n) > 1 THEN sqrt(CAST(sum(n) * sum(ss) - sum(s) * sum(s) AS DOUBLE) / (sum(n) * (sum(n) - 1))) END AS sd,
        CAST(sum(s_client) AS DOUBLE) / sum(n) AS mean_client_wai,
        CAST(sum(s_therapist) AS DOUBLE) / sum(n) AS mean_therapist_wai
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
            sum(wai_discrepancy) AS s,
            sum(wai_discrepancy * wai_discrepancy) AS ss,
            sum(client_wai) AS s_client,
            sum(therapist_wai) AS s_therapist
        FROM attended_sessions
        WHERE wai_discrepancy IS NOT NULL
          AND session_number <= $max_session
          AND ($start IS NULL OR session_date >= $start)
          AND ($end IS NULL OR session_date <= $end)
        GROUP BY ALL
    )
    GROUP BY ALL
)
ORDER BY session_number, "group";
