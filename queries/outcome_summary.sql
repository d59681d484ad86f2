-- outcome_summary: per group, how many clients fall in each outcome category (contract section 6), and their share.
-- param start: date
-- param end: date
-- param group: sector|clinic|site = sector
-- level: group
-- suppress: n_clients peers _n_peer_clients within group within category, _parent keep group, category
-- uses: client_outcome
-- Every category appears for every group (0 when no client has it). A client counts in the group
-- of their latest attended session in the period. pct_clients is the share of all the group's
-- clients; pct_assessed the share of those with at least 2 ORS totals (empty for insufficient).
WITH counts AS MATERIALIZED (
    -- Materialized: the per-client outcomes are computed once, though read twice below.
    SELECT CASE $group WHEN 'sector' THEN sector WHEN 'clinic' THEN clinic ELSE site END AS "group",
           CASE $group WHEN 'site' THEN clinic WHEN 'clinic' THEN sector ELSE '' END AS _parent,
           category, count(*) AS n,
           count(*) FILTER (WHERE NOT ($own_all_clinics OR list_contains($own_clinics, clinic))) AS n_peer
    FROM client_outcome
    GROUP BY ALL
),
totals AS (
    SELECT "group", any_value(_parent) AS _parent, sum(n) AS n_total, sum(n) FILTER (WHERE category <> 'insufficient') AS n_assessed
    FROM counts GROUP BY ALL
),
categories (category, position) AS (
    VALUES ('recovered', 1), ('improved', 2), ('unchanged', 3), ('deteriorated', 4), ('insufficient', 5)
)
SELECT
    t."group", t._parent, k.category,
    CAST(coalesce(c.n, 0) AS BIGINT) AS n_clients,
    CAST(coalesce(c.n_peer, 0) AS BIGINT) AS _n_peer_clients,
    round(100.0 * coalesce(c.n, 0) / NULLIF(t.n_total, 0), 2) AS pct_clients,
    CASE WHEN k.category <> 'insufficient'
         THEN round(100.0 * coalesce(c.n, 0) / NULLIF(t.n_assessed, 0), 2) END AS pct_assessed
FROM totals t
CROSS JOIN categories k
LEFT JOIN counts c ON c."group" = t."group" AND c.category = k.category
ORDER BY t."group", k.position;
