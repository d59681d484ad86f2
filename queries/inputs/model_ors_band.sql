-- model_ors_band: the 25th percentile of one clinic's residuals (observed minus expected ORS, over every later ORS in the period) for the fitted expected treatment response (treatment_response in alliance/stats.py).
-- param start: date
-- param end: date
-- param clinic: text
-- param intercept: number
-- param intake_slope: number
-- param time_slope: number
-- param interaction: number
-- uses: ors_period
-- The model's expected ORS is intercept + intake_slope · intake + (time_slope + interaction · intake) · t,
-- with t = ln(1 + sessions since intake). quantile_cont interpolates linearly between the two nearest residuals.
SELECT quantile_cont(ors - ($intercept + $intake_slope * intake_ors + ($time_slope + $interaction * intake_ors) * log_time), 0.25) AS band,
       count(*) AS n_later
FROM ors_period
WHERE NOT is_intake AND clinic = $clinic
