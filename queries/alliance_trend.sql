-- alliance_trend: mean client SRS per calendar month and group (contract section 7), with its spread and 95% interval.
-- param start: date
-- param end: date
-- param group: sector|clinic|site|therapist = sector
-- level: group unless group=therapist
-- suppress: n_clients peers _n_peer_clients within month, _parent keep month, group
-- sd (of the sessions) and the interval are added columns. The interval has the client as its
-- unit: a client who gives four sessions in a month is one client, not four independent scores.
-- It is mean ± t_975(G − 1) · SE over the month's G clients (queries/views/03_t_quantile.sql), with
-- the cluster-robust SE of a mean, SE² = G / (G − 1) · Σ_c (S_c − n_c · mean)² / N² (S_c and n_c a
-- client's sum and number of rated sessions, N = Σ n_c), as statsmodels' cluster covariance gives
-- it; empty under 2 clients.
WITH per_client AS (
    -- One row per client and month in each group: the client is the unit of the interval.
    SELECT
        month,
        -- a therapist's label (clinic/therapist_id) is made once per row of the result, below
        CASE $group WHEN 'sector' THEN sector WHEN 'clinic' THEN clinic WHEN 'site' THEN site ELSE therapist_id END AS g,
        CASE $group WHEN 'site' THEN clinic WHEN 'clinic' THEN sector WHEN 'therapist' THEN clinic ELSE '' END AS _parent,
        clinic, client_id,
        count(*) AS n,
        sum(srs_total) AS s,
        sum(srs_total * srs_total) AS ss,
        count(*) FILTER (WHERE srs_total < $srs_cutoff) AS n_low
    FROM attended_sessions
    WHERE is_rated
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY ALL
),
per_clinic AS (
    -- Clients are counted within their clinic (a client_id is unique only there); the group's count
    -- is then the sum over its clinics. Mean and sd come from the exact decimal sums:
    -- sd = sqrt((n·Σx² − (Σx)²) / (n(n − 1))); the cluster sums Σ S_c², Σ n_c S_c and Σ n_c² give the
    -- interval.
    SELECT
        month, g, _parent, clinic,
        sum(n) AS n,
        count(*) AS n_clients,
        sum(s) AS s,
        sum(ss) AS ss,
        sum(CAST(s AS DOUBLE) * CAST(s AS DOUBLE)) AS client_ss,
        sum(n * CAST(s AS DOUBLE)) AS client_ns,
        sum(n * n) AS client_nn,
        sum(n_low) AS n_low
    FROM per_client
    GROUP BY ALL
),
monthly AS (
    SELECT
        month, CASE $group WHEN 'therapist' THEN clinic || '/' || g ELSE g END AS "group", _parent,
        CAST(sum(n) AS BIGINT) AS n_rated,
        CAST(sum(n_clients) AS BIGINT) AS n_clients,
        CAST(coalesce(sum(n_clients) FILTER (WHERE NOT ($own_all_clinics OR list_contains($own_clinics, clinic))), 0) AS BIGINT)
            AS _n_peer_clients,
        CAST(sum(s) AS DOUBLE) / sum(n) AS mean,
        CASE WHEN sum(n) > 1 THEN sqrt(CAST(sum(n) * sum(ss) - sum(s) * sum(s) AS DOUBLE) / (sum(n) * (sum(n) - 1))) END AS sd,
        100.0 * sum(n_low) / sum(n) AS pct_low,
        sum(client_ss) AS client_ss, sum(client_ns) AS client_ns, CAST(sum(client_nn) AS DOUBLE) AS client_nn
    FROM per_clinic
    GROUP BY ALL
),
clustered AS (
    SELECT *,
        CASE WHEN n_clients > 1 THEN sqrt(greatest(
            n_clients / (n_clients - 1.0)
            * (client_ss - 2 * mean * client_ns + mean * mean * client_nn) / (CAST(n_rated AS DOUBLE) * n_rated), 0))
        END AS se
    FROM monthly
)
SELECT
    month, "group", _parent, n_rated, n_clients, _n_peer_clients,
    round(mean, 2) AS mean_srs,
    round(pct_low, 2) AS pct_low,
    round(sd, 2) AS sd,
    round(mean - t_975(n_clients - 1) * se, 2) AS ci_low,
    round(mean + t_975(n_clients - 1) * se, 2) AS ci_high
FROM clustered
ORDER BY month, "group";
