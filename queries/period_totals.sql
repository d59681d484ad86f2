-- period_totals: the period's rated sessions in one row: how many, their mean SRS total and the share below the cutoff (the Overview's tiles and the supervision pack).
-- param start: date
-- param end: date
-- The whole period at once, over the sessions the viewer sees at client level (never other
-- clinics' rows). mean_srs and pct_low are not rounded: the tiles show one decimal or none.
-- No row when the period has no rated session.
SELECT
    count(*) AS n_rated,
    avg(CAST(srs_total AS DOUBLE)) AS mean_srs,
    100.0 * count(*) FILTER (WHERE srs_total < $srs_cutoff) / count(*) AS pct_low
FROM attended_sessions
WHERE is_rated
  AND ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
HAVING count(*) > 0;
