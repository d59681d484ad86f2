-- wai_pairs_summary: the WAI pairs (wai_pairs) in one row: how many, of how many clients and therapists, and how often each rater is the higher.
-- param start: date
-- param end: date
-- Clients and therapists are counted within their clinic (an id is unique only there). The
-- percentages run from 0 to 100 over all pairs, computed as 100 times the share (the share first,
-- as pandas' mean of a condition does, so a rounded figure agrees with one worked out from
-- wai_pairs); with no pairs there is still one row, with n_pairs 0 and the percentages empty.
WITH pairs AS (
    SELECT clinic, therapist_id, client_id, client_wai, therapist_wai
    FROM attended_sessions
    WHERE client_wai IS NOT NULL AND therapist_wai IS NOT NULL
      AND ($start IS NULL OR session_date >= $start)
      AND ($end IS NULL OR session_date <= $end)
)
SELECT
    count(*) AS n_pairs,
    count(DISTINCT (clinic, client_id)) AS n_clients,
    count(DISTINCT (clinic, therapist_id)) AS n_therapists,
    100 * (CAST(count(*) FILTER (WHERE client_wai > therapist_wai) AS DOUBLE) / nullif(count(*), 0)) AS pct_client_higher,
    100 * (CAST(count(*) FILTER (WHERE client_wai < therapist_wai) AS DOUBLE) / nullif(count(*), 0)) AS pct_therapist_higher
FROM pairs;
