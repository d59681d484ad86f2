-- dual_perspective: client and therapist WAI-SR at the same attended sessions, per therapist with at least one pair (contract section 7).
-- param start: date
-- param end: date
-- suppress: n_clients within clinic keep clinic, therapist_id
-- Exports hide therapists of fewer than suppress_below clients (alliance/disclosure.py), and one
-- more of the same clinic where one alone would be hidden; the screen shows them all.
-- ci_low/ci_high: the 95 % interval of the mean discrepancy with the client as its unit (a client's
-- pairs resemble each other): mean ± t_975(G − 1) · SE over the therapist's G clients, with the
-- cluster-robust SE² = G / (G − 1) · Σ_c (S_c − n_c · mean)² / N², as in alliance_trend (macro t_975,
-- queries/views/03_t_quantile.sql); empty under 2 clients.
WITH pairs AS (
    SELECT clinic, therapist_id, client_id, client_wai, therapist_wai, client_wai - therapist_wai AS discrepancy
    FROM attended_sessions
    WHERE client_wai IS NOT NULL AND therapist_wai IS NOT NULL
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
),
per_client AS (
    SELECT clinic, therapist_id, client_id, count(*) AS n, CAST(sum(discrepancy) AS DOUBLE) AS s
    FROM pairs GROUP BY ALL
),
clustered AS (
    SELECT clinic, therapist_id, count(*) AS g, CAST(sum(n) AS DOUBLE) AS n_pairs, sum(s) / sum(n) AS mean,
           sum(s * s) AS client_ss, sum(n * s) AS client_ns, CAST(sum(n * n) AS DOUBLE) AS client_nn
    FROM per_client GROUP BY ALL
),
intervals AS (
    SELECT clinic, therapist_id, mean,
           CASE WHEN g > 1 THEN t_975(g - 1) * sqrt(greatest(g / (g - 1.0)
               * (client_ss - 2 * mean * client_ns + mean * mean * client_nn) / (n_pairs * n_pairs), 0)) END AS half
    FROM clustered
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
    round(any_value(i.mean) - any_value(i.half), 2) AS ci_low,
    round(any_value(i.mean) + any_value(i.half), 2) AS ci_high
FROM pairs
JOIN intervals i USING (clinic, therapist_id)
GROUP BY clinic, therapist_id
ORDER BY clinic, therapist_id;
