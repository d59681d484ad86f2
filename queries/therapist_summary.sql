-- therapist_summary: one row per therapist with an attended session in the period (contract section 7).
-- param start: date
-- param end: date
-- suppress: n_clients within clinic keep clinic, therapist_id, site, sector
-- Exports hide therapists of fewer than suppress_below clients (alliance/disclosure.py), and one
-- more of the same clinic where one alone would be hidden; the screen shows them all.
-- uses: rupture_status
WITH period AS (
    SELECT * FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
site_counts AS (
    SELECT clinic, therapist_id, site, sector, count(*) AS n FROM period GROUP BY ALL
),
home_site AS (
    -- The site with most of the therapist's attended sessions; ties go to the first alphabetically.
    SELECT clinic, therapist_id,
           first(site ORDER BY n DESC, site) AS site,
           first(sector ORDER BY n DESC, site) AS sector
    FROM site_counts GROUP BY ALL
),
rupture_counts AS (
    SELECT clinic, therapist_id,
           count(*) AS n_ruptures,
           count(*) FILTER (WHERE status = 'repaired') AS n_repaired,
           count(*) FILTER (WHERE status = 'unrepaired') AS n_unrepaired
    FROM rupture_status
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
    GROUP BY ALL
),
figures AS (
    SELECT
        clinic, therapist_id,
        count(DISTINCT client_id) AS n_clients,
        count(*) AS n_sessions,
        count(*) FILTER (WHERE is_rated) AS n_rated,
        round(avg(srs_total), 2) AS mean_srs,
        round(100.0 * count(*) FILTER (WHERE srs_total < $srs_cutoff)
              / NULLIF(count(*) FILTER (WHERE is_rated), 0), 2) AS pct_low,
        round(avg(client_wai - therapist_wai), 2) AS mean_discrepancy,
        round(100.0 * count(*) FILTER (WHERE is_rated) / count(*), 2) AS completion_rate
    FROM period GROUP BY ALL
)
SELECT
    f.clinic, f.therapist_id, h.site, h.sector,
    f.n_clients, f.n_sessions, f.n_rated, f.mean_srs, f.pct_low,
    coalesce(r.n_ruptures, 0) AS n_ruptures,
    round(100.0 * r.n_repaired / NULLIF(r.n_repaired + r.n_unrepaired, 0), 2) AS pct_repaired,
    f.mean_discrepancy, f.completion_rate
FROM figures f
JOIN home_site h USING (clinic, therapist_id)
LEFT JOIN rupture_counts r USING (clinic, therapist_id)
ORDER BY f.clinic, f.therapist_id;
