-- alliance_trend: mean client SRS per calendar month and group (contract section 7), with its spread and 95% interval.
-- param start: date
-- param end: date
-- param group: sector|clinic|site|therapist = sector
-- level: group unless group=therapist
-- suppress: n_clients peers _n_peer_clients within month, _parent keep month, group
-- sd (of the sessions) and the interval are added columns. The interval allows for how sessions
-- sit: within clients, and clients within therapists. For a sector, clinic or site it takes the
-- therapist as its unit (clients of one therapist share the therapist, and a client who gives four
-- sessions in a month is one client, not four independent scores); within one therapist's group it
-- takes the client. It is mean ± t_975(G − 1) · SE over the month's G therapists (or clients), with
-- the cluster-robust SE of a mean (macro cluster_se, queries/views/05_cluster_se.sql), as
-- statsmodels' cluster covariance gives it; empty under 2 therapists (or clients).
WITH rated AS (
    SELECT
        month,
        -- a therapist's label (clinic/therapist_id) is made once per row of the result, below
        CASE $group WHEN 'sector' THEN sector WHEN 'clinic' THEN clinic WHEN 'site' THEN site ELSE therapist_id END AS g,
        CASE $group WHEN 'site' THEN clinic WHEN 'clinic' THEN sector WHEN 'therapist' THEN clinic ELSE '' END AS _parent,
        clinic, client_id,
        CASE $group WHEN 'therapist' THEN client_id ELSE therapist_id END AS cluster,
        srs_total
    FROM attended_sessions
    WHERE is_rated
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
per_cluster AS (
    -- One row per therapist (or client) and month in each group: the unit of the interval.
    SELECT month, g, _parent, clinic, cluster,
           count(*) AS n,
           sum(srs_total) AS s,
           sum(srs_total * srs_total) AS ss,
           count(*) FILTER (WHERE srs_total < $srs_cutoff) AS n_low
    FROM rated
    GROUP BY ALL
),
clients AS (
    SELECT month, g, _parent, clinic, count(DISTINCT client_id) AS n_clients FROM rated GROUP BY ALL
),
per_clinic AS (
    -- Clients and therapists are counted within their clinic (an id is unique only there); the
    -- group's count is then the sum over its clinics. Mean and sd come from the exact decimal sums:
    -- sd = sqrt((n·Σx² − (Σx)²) / (n(n − 1))); the cluster sums Σ S_k², Σ n_k S_k and Σ n_k² give the
    -- interval.
    SELECT
        month, g, _parent, clinic,
        sum(n) AS n,
        count(*) AS n_clusters,
        sum(s) AS s,
        sum(ss) AS ss,
        sum(CAST(s AS DOUBLE) * CAST(s AS DOUBLE)) AS cluster_ss,
        sum(n * CAST(s AS DOUBLE)) AS cluster_ns,
        sum(n * n) AS cluster_nn,
        sum(n_low) AS n_low
    FROM per_cluster
    GROUP BY ALL
),
monthly AS (
    SELECT
        p.month, CASE $group WHEN 'therapist' THEN p.clinic || '/' || p.g ELSE p.g END AS "group", p._parent,
        CAST(sum(p.n) AS BIGINT) AS n_rated,
        CAST(sum(c.n_clients) AS BIGINT) AS n_clients,
        CAST(coalesce(sum(c.n_clients) FILTER (WHERE NOT ($own_all_clinics OR list_contains($own_clinics, p.clinic))), 0)
             AS BIGINT) AS _n_peer_clients,
        sum(p.n_clusters) AS n_clusters,
        CAST(sum(p.s) AS DOUBLE) / sum(p.n) AS mean,
        CASE WHEN sum(p.n) > 1
             THEN sqrt(CAST(sum(p.n) * sum(p.ss) - sum(p.s) * sum(p.s) AS DOUBLE) / (sum(p.n) * (sum(p.n) - 1))) END AS sd,
        100.0 * sum(p.n_low) / sum(p.n) AS pct_low,
        sum(p.cluster_ss) AS cluster_ss, sum(p.cluster_ns) AS cluster_ns, CAST(sum(p.cluster_nn) AS DOUBLE) AS cluster_nn
    FROM per_clinic p
    JOIN clients c ON c.month = p.month AND c.g IS NOT DISTINCT FROM p.g AND c._parent IS NOT DISTINCT FROM p._parent
                  AND c.clinic = p.clinic
    GROUP BY ALL
),
clustered AS (
    SELECT *, cluster_se(n_clusters, n_rated, cluster_ss, cluster_ns, cluster_nn, mean) AS se
    FROM monthly
)
SELECT
    month, "group", _parent, n_rated, n_clients, _n_peer_clients,
    round(mean, 2) AS mean_srs,
    round(pct_low, 2) AS pct_low,
    round(sd, 2) AS sd,
    round(mean - t_975(n_clusters - 1) * se, 2) AS ci_low,
    round(mean + t_975(n_clusters - 1) * se, 2) AS ci_high
FROM clustered
ORDER BY month, "group";
