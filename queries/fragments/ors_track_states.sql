-- ors_track_states: every ORS after the intake up to the period's end ($end), against its clinic's
-- expected treatment response (treatment_response in alliance/stats.py), for the fitted clinics
-- whose coefficients the query passes: clinics[i] has intercepts[i], intake_slopes[i], time_slopes[i],
-- interactions[i]. A clinic's expected ORS is intercept + intake_slope · intake +
-- (time_slope + interaction · intake) · t, with t = ln(1 + sessions since intake) (ors_history).
-- The band: at each bucket of sessions since intake (1 to 7, and 8 on), the track_band per cent
-- quantile of the clinic's residuals (observed minus expected, every later ORS of every client up to
-- the period's end), linearly interpolated; a bucket with fewer than 20 residuals takes the clinic's
-- quantile over all of them. lower_band is expected + band, to two decimals as shown. below: the ORS
-- is below it (strictly: an ORS on the band is not below it). Two in a row below is not on track
-- (alliance/stats.py TRACK_RUN); the queries that read this count the run.
WITH model AS (
    SELECT unnest($clinics) AS clinic, unnest($intercepts) AS b0, unnest($intake_slopes) AS b1,
           unnest($time_slopes) AS b2, unnest($interactions) AS b3
),
later AS (
    SELECT o.clinic, o.client_id, o.attended_seq, o.session_date, o.ors, o.bucket,
           m.b0 + m.b1 * o.intake_ors + (m.b2 + m.b3 * o.intake_ors) * o.log_time AS expected
    FROM ors_history o
    JOIN model m ON o.clinic = m.clinic
    WHERE NOT o.is_intake
),
by_bucket AS (
    SELECT clinic, bucket, quantile_cont(ors - expected, $track_band / 100) AS band, count(*) AS n
    FROM later GROUP BY ALL
),
by_clinic AS (
    SELECT clinic, quantile_cont(ors - expected, $track_band / 100) AS band FROM later GROUP BY ALL
),
banded AS (
    SELECT l.*, round(l.expected + CASE WHEN b.n >= 20 THEN b.band ELSE c.band END, 2) AS lower_band
    FROM later l
    JOIN by_bucket b USING (clinic, bucket)
    JOIN by_clinic c USING (clinic)
)
SELECT clinic, client_id, attended_seq, session_date, ors, expected, lower_band, ors < lower_band AS below
FROM banded
