-- alliance_trend: mean client SRS per calendar month and group (contract section 7).
-- param start: date
-- param end: date
-- param group: sector|clinic|site|therapist = sector
SELECT
    month,
    CASE $group
        WHEN 'sector' THEN sector
        WHEN 'clinic' THEN clinic
        WHEN 'site' THEN site
        ELSE clinic || '/' || therapist_id
    END AS "group",
    count(*) AS n_rated,
    count(DISTINCT (clinic, client_id)) AS n_clients,
    round(avg(srs_total), 2) AS mean_srs,
    round(100.0 * count(*) FILTER (WHERE srs_total < $srs_cutoff) / count(*), 2) AS pct_low
FROM attended_sessions
WHERE is_rated
  AND ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
GROUP BY ALL
ORDER BY month, "group";
