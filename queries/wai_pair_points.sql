-- wai_pair_points: the WAI pairs (wai_pairs) counted per clinic and pair of scores: one point of the dual-perspective scatter each.
-- param start: date
-- param end: date
-- The scatter draws pairs with the same two means in a clinic as one point sized by their number,
-- so the page needs these counts, never the pairs themselves. Means are cast to DOUBLE and kept
-- to 4 decimals (as the store keeps wai_mean), the same pairs as wai_pairs and dual_perspective.
SELECT
    clinic,
    round(CAST(client_wai AS DOUBLE), 4) AS client_wai,
    round(CAST(therapist_wai AS DOUBLE), 4) AS therapist_wai,
    count(*) AS n_pairs
FROM attended_sessions
WHERE client_wai IS NOT NULL AND therapist_wai IS NOT NULL
  AND ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
GROUP BY ALL
ORDER BY clinic, client_wai, therapist_wai;
