-- alliance_trend: mean client SRS per calendar month and group (contract section 7), with its spread and 95% interval.
-- param start: date
-- param end: date
-- param group: sector|clinic|site|therapist = sector
-- level: group unless group=therapist
-- suppress: n_clients peers _n_peer_clients within month, _parent keep month, group
-- sd and the interval (mean ± t_975(n - 1) · sd / √n, queries/views/03_t_quantile.sql) are added
-- columns; they are empty under 2 rated sessions.
WITH per_clinic AS (
    -- Clients are counted within their clinic (a client_id is unique only there), so the distinct
    -- count needs only client_id; the group's count is then the sum over its clinics. Mean and sd
    -- come from the exact decimal sums: sd = sqrt((n·Σx² − (Σx)²) / (n(n − 1))).
    SELECT
        month,
        -- a therapist's label (clinic/therapist_id) is made once per row of the result, below
        CASE $group WHEN 'sector' THEN sector WHEN 'clinic' THEN clinic WHEN 'site' THEN site ELSE therapist_id END AS g,
        CASE $group WHEN 'site' THEN clinic WHEN 'clinic' THEN sector WHEN 'therapist' THEN clinic ELSE '' END AS _parent,
        clinic,
        count(*) AS n,
        count(DISTINCT client_id) AS n_clients,
        sum(srs_total) AS s,
        sum(srs_total * srs_total) AS ss,
        count(*) FILTER (WHERE srs_total < $srs_cutoff) AS n_low
    FROM attended_sessions
    WHERE is_rated
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
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
        100.0 * sum(n_low) / sum(n) AS pct_low
    FROM per_clinic
    GROUP BY ALL
)
SELECT
    month, "group", _parent, n_rated, n_clients, _n_peer_clients,
    round(mean, 2) AS mean_srs,
    round(pct_low, 2) AS pct_low,
    round(sd, 2) AS sd,
    round(mean - t_975(n_rated - 1) * sd / sqrt(n_rated), 2) AS ci_low,
    round(mean + t_975(n_rated - 1) * sd / sqrt(n_rated), 2) AS ci_high
FROM monthly
ORDER BY month, "group";
