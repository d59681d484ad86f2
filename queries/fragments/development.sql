-- development: per measure, session number and group ($group: sector, clinic or site), the mean with
-- its 95 % interval, for alliance_development, wai_development and discrepancy_development (each
-- keeps its own measure). The measures: 'srs' (client SRS total of a rated session), 'client_wai' and
-- 'therapist_wai' (a form's wai_mean), 'discrepancy' (client minus therapist wai_mean where both
-- rated; mean_client_wai and mean_therapist_wai beside it). Sessions are numbered as the export
-- numbers them (cancellations included), up to $max_session, in the period ($start, $end).
-- The interval takes the therapist as its unit: a client gives one session at a number, and clients
-- of one therapist share the therapist. It is mean ± t_975(G − 1) · SE over the G therapists with
-- sessions at that number, with the cluster-robust SE of a mean (macro cluster_se,
-- queries/views/05_cluster_se.sql); empty under 2 therapists. Clients and therapists are counted
-- within their clinic (an id is unique only there) and summed over the group's clinics; mean and sd
-- come from exact decimal sums (see alliance_trend).
WITH sessions AS (
    SELECT session_number,
           CASE $group WHEN 'sector' THEN sector WHEN 'clinic' THEN clinic ELSE site END AS "group",
           CASE $group WHEN 'site' THEN clinic WHEN 'clinic' THEN sector ELSE '' END AS _parent,
           clinic, therapist_id, client_id, is_rated, srs_total, client_wai, therapist_wai, wai_discrepancy
    FROM attended_sessions
    WHERE session_number <= $max_session
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
measured AS (
    SELECT 'srs' AS measure, *, srs_total AS x FROM sessions WHERE is_rated
    UNION ALL BY NAME
    SELECT 'client_wai' AS measure, *, client_wai AS x FROM sessions WHERE client_wai IS NOT NULL
    UNION ALL BY NAME
    SELECT 'therapist_wai' AS measure, *, therapist_wai AS x FROM sessions WHERE therapist_wai IS NOT NULL
    UNION ALL BY NAME
    SELECT 'discrepancy' AS measure, *, wai_discrepancy AS x FROM sessions WHERE wai_discrepancy IS NOT NULL
),
per_therapist AS (
    -- The interval's unit: one therapist's sessions at one session number (their clients).
    SELECT measure, session_number, "group", _parent, clinic, therapist_id,
           count(*) AS n, sum(x) AS s, sum(x * x) AS ss, sum(client_wai) AS s_client, sum(therapist_wai) AS s_therapist
    FROM measured
    GROUP BY ALL
),
per_clinic AS (
    SELECT measure, session_number, "group", _parent, clinic,
           sum(n) AS n, count(*) AS n_therapists, sum(s) AS s, sum(ss) AS ss,
           sum(CAST(s AS DOUBLE) * CAST(s AS DOUBLE)) AS cluster_ss, sum(n * CAST(s AS DOUBLE)) AS cluster_ns,
           sum(n * n) AS cluster_nn, sum(s_client) AS s_client, sum(s_therapist) AS s_therapist
    FROM per_therapist
    GROUP BY ALL
),
clients AS (
    SELECT measure, session_number, "group", _parent, clinic, count(DISTINCT client_id) AS n_clients
    FROM measured GROUP BY ALL
),
grouped AS (
    SELECT
        p.measure, p.session_number, p."group", p._parent,
        CAST(sum(p.n) AS BIGINT) AS n,
        CAST(sum(c.n_clients) AS BIGINT) AS n_clients,
        CAST(coalesce(sum(c.n_clients) FILTER (WHERE NOT ($own_all_clinics OR list_contains($own_clinics, p.clinic))), 0)
             AS BIGINT) AS _n_peer_clients,
        sum(p.n_therapists) AS n_therapists,
        CAST(sum(p.s) AS DOUBLE) / sum(p.n) AS mean,
        CASE WHEN sum(p.n) > 1
             THEN sqrt(CAST(sum(p.n) * sum(p.ss) - sum(p.s) * sum(p.s) AS DOUBLE) / (sum(p.n) * (sum(p.n) - 1))) END AS sd,
        sum(p.cluster_ss) AS cluster_ss, sum(p.cluster_ns) AS cluster_ns, CAST(sum(p.cluster_nn) AS DOUBLE) AS cluster_nn,
        CAST(sum(p.s_client) AS DOUBLE) / sum(p.n) AS mean_client_wai,
        CAST(sum(p.s_therapist) AS DOUBLE) / sum(p.n) AS mean_therapist_wai
    FROM per_clinic p
    JOIN clients c ON c.measure = p.measure AND c.session_number = p.session_number
                  AND c."group" IS NOT DISTINCT FROM p."group" AND c._parent IS NOT DISTINCT FROM p._parent
                  AND c.clinic = p.clinic
    GROUP BY ALL
)
SELECT measure, session_number, "group", _parent, n, n_clients, _n_peer_clients,
       round(mean, 2) AS mean,
       round(sd, 2) AS sd,
       round(mean - t_975(n_therapists - 1) * cluster_se(n_therapists, n, cluster_ss, cluster_ns, cluster_nn, mean), 2)
           AS ci_low,
       round(mean + t_975(n_therapists - 1) * cluster_se(n_therapists, n, cluster_ss, cluster_ns, cluster_nn, mean), 2)
           AS ci_high,
       round(mean_client_wai, 2) AS mean_client_wai,
       round(mean_therapist_wai, 2) AS mean_therapist_wai
FROM grouped
