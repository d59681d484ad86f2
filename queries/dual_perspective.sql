-- dual_perspective: client and therapist WAI-SR at the same attended sessions, per therapist with at least one pair (contract section 7).
-- param start: date
-- param end: date
-- suppress: n_clients within clinic keep clinic, therapist_id
-- Exports hide therapists of fewer than suppress_below clients (alliance/disclosure.py), and one
-- more of the same clinic where one alone would be hidden; the screen shows them all.
-- ci_low/ci_high: the 95 % interval of the mean discrepancy, mean ± t(0.975, n - 1) · sd / √n over the
-- therapist's pairs (macro t_975, queries/views/03_t_quantile.sql); empty under 2 pairs.
WITH pairs AS (
    SELECT clinic, therapist_id, client_id, client_wai, therapist_wai, client_wai - therapist_wai AS discrepancy
    FROM attended_sessions
    WHERE client_wai IS NOT NULL AND therapist_wai IS NOT NULL
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
)
SELECT
    clinic, therapist_id,
    count(*) AS n_pairs,
    round(avg(client_wai), 2) AS mean_client_wai,
    round(avg(therapist_wai), 2) AS mean_therapist_wai,
    round(avg(client_wai - therapist_wai), 2) AS mean_discrepancy,
    -- Pearson's r needs 3 pairs; with no spread in either rater it is undefined, so empty too.
    CASE WHEN count(*) >= 3 AND NOT isnan(corr(client_wai, therapist_wai))
         THEN round(corr(client_wai, therapist_wai), 3) END AS correlation,
    count(DISTINCT client_id) AS n_clients,
    round(avg(discrepancy) - t_975(count(*) - 1) * stddev_samp(discrepancy) / sqrt(count(*)), 2) AS ci_low,
    round(avg(discrepancy) + t_975(count(*) - 1) * stddev_samp(discrepancy) / sqrt(count(*)), 2) AS ci_high
FROM pairs
GROUP BY ALL
ORDER BY clinic, therapist_id;
