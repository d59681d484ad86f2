-- model_ors_band: per clinic, the 25th percentile of its residuals (observed minus expected ORS, over every later ORS in the period) for its fitted expected treatment response (treatment_response in alliance/stats.py).
-- param start: date
-- param end: date
-- param clinics: texts
-- param intercepts: numbers
-- param intake_slopes: numbers
-- param time_slopes: numbers
-- param interactions: numbers
-- uses: ors_period
-- One pass for every fitted clinic: the lists give each clinic (clinics[i]) its coefficients
-- (intercepts[i], ...). A clinic's expected ORS is intercept + intake_slope · intake +
-- (time_slope + interaction · intake) · t, with t = ln(1 + sessions since intake).
-- quantile_cont interpolates linearly between the two nearest residuals.
WITH model AS (
    SELECT unnest($clinics) AS clinic, unnest($intercepts) AS b0, unnest($intake_slopes) AS b1,
           unnest($time_slopes) AS b2, unnest($interactions) AS b3
)
SELECT o.clinic,
       quantile_cont(o.ors - (m.b0 + m.b1 * o.intake_ors + (m.b2 + m.b3 * o.intake_ors) * o.log_time), 0.25) AS band,
       count(*) AS n_later
FROM ors_period o
JOIN model m ON o.clinic = m.clinic
WHERE NOT o.is_intake
GROUP BY o.clinic
