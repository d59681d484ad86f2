-- alliance_trend: mean client SRS per calendar month and group (contract section 7), with its spread and 95% interval.
-- param start: date
-- param end: date
-- param group: sector|clinic|site|therapist = sector
-- level: group unless group=therapist
-- suppress: n_clients peers _n_peer_clients within month, _parent keep month, group
-- sd and the interval (mean ± t_975(n - 1) · sd / √n, queries/views/03_t_quantile.sql) are added
-- columns; they are empty under 2 rated sessions.
WITH monthly AS (
    SELECT
        month,
        CASE $group
            WHEN 'sector' THEN sector
            WHEN 'clinic' THEN clinic
            WHEN 'site' THEN site
            ELSE clinic || '/' || therapist_id
        END AS "group",
        CASE $group WHEN 'site' THEN clinic WHEN 'clinic' THEN sector WHEN 'therapist' THEN clinic ELSE '' END AS _parent,
        count(*) AS n_rated,
        count(DISTINCT (clinic, client_id)) AS n_clients,
        count(DISTINCT (clinic, client_id)) FILTER (WHERE NOT ($own_all_clinics OR list_contains($own_clinics, clinic))) AS _n_peer_clients,
        avg(srs_total) AS mean,
        stddev_samp(srs_total) AS sd,
        100.0 * count(*) FILTER (WHERE srs_total < $srs_cutoff) / count(*) AS pct_low
    FROM attended_sessions
    WHERE is_rated
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
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
