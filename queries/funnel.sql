-- funnel: funnel-plot data for a fair comparison of therapists: each therapist's mean SRS against control limits around the overall mean at the therapist's number of rated sessions.
-- param start: date
-- param end: date
-- suppress: n_clients within clinic keep clinic, therapist_id, site
-- Exports hide therapists of fewer than suppress_below clients (alliance/disclosure.py), and one
-- more of the same clinic where one alone would be hidden; the screen shows them all.
-- One row per therapist with a rated session in the period. The overall mean and SD are taken
-- over every rated session in scope and period; the limits are overall_mean ± z · sd / √n_rated
-- with z = 1.96 (95 %) and z = 3.09 (99.8 %), fixed by the funnel-plot method, not clinic settings.
-- n_clients counts the therapist's clients with a rated session; a therapist with fewer than
-- $min_clients is shown (too_few) but not judged: the outside flags stay empty.
WITH period AS (
    SELECT clinic, therapist_id, client_id, site, is_rated, srs_total
    FROM attended_sessions
    WHERE ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
site_counts AS (
    SELECT clinic, therapist_id, site, count(*) AS n FROM period GROUP BY ALL
),
home_site AS (
    -- The site with most of the therapist's attended sessions; ties go to the first alphabetically.
    SELECT clinic, therapist_id, first(site ORDER BY n DESC, site) AS site
    FROM site_counts GROUP BY ALL
),
per_therapist AS (
    SELECT clinic, therapist_id,
           count(DISTINCT client_id) AS n_clients,
           count(*) AS n_rated,
           avg(srs_total) AS mean_srs
    FROM period WHERE is_rated GROUP BY ALL
),
overall AS (
    SELECT avg(srs_total) AS overall_mean, stddev_samp(srs_total) AS overall_sd
    FROM period WHERE is_rated
),
limits AS (
    SELECT t.*, h.site, o.overall_mean, o.overall_sd,
           o.overall_mean - 1.96 * o.overall_sd / sqrt(t.n_rated) AS lower_95,
           o.overall_mean + 1.96 * o.overall_sd / sqrt(t.n_rated) AS upper_95,
           o.overall_mean - 3.09 * o.overall_sd / sqrt(t.n_rated) AS lower_998,
           o.overall_mean + 3.09 * o.overall_sd / sqrt(t.n_rated) AS upper_998,
           t.n_clients < $min_clients AS too_few
    FROM per_therapist t
    JOIN home_site h USING (clinic, therapist_id)
    CROSS JOIN overall o
)
SELECT
    clinic, therapist_id, site, n_clients, n_rated,
    round(mean_srs, 2) AS mean_srs,
    round(overall_mean, 2) AS overall_mean,
    round(overall_sd, 2) AS overall_sd,
    round(lower_95, 2) AS lower_95,
    round(upper_95, 2) AS upper_95,
    round(lower_998, 2) AS lower_998,
    round(upper_998, 2) AS upper_998,
    CASE WHEN NOT too_few THEN
        CASE WHEN mean_srs > upper_95 THEN 'above' WHEN mean_srs < lower_95 THEN 'below' END
    END AS outside_95,
    CASE WHEN NOT too_few THEN
        CASE WHEN mean_srs > upper_998 THEN 'above' WHEN mean_srs < lower_998 THEN 'below' END
    END AS outside_998,
    too_few
FROM limits
ORDER BY clinic, therapist_id;
