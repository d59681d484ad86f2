-- model_ors_track: per client with a later ORS up to the period's end, their latest ORS against the expected treatment response's band, and since when they have been not on track (treatment_response in alliance/stats.py).
-- param end: date
-- param clinics: texts
-- param intercepts: numbers
-- param intake_slopes: numbers
-- param time_slopes: numbers
-- param interactions: numbers
-- uses: ors_history, ors_track_states
-- n_later counts the later ORS; expected_ors and lower_band are the latest one's; n_below counts the
-- later ORS in a row, up to the latest, below their band; since is the first ORS of the run of ORS
-- at which not on track has been raised (two in a row below), up to the latest.
WITH breaks AS (
    SELECT *,
           coalesce(max(CASE WHEN NOT below THEN attended_seq END) OVER (PARTITION BY clinic, client_id), 0) AS last_above,
           coalesce(max(CASE WHEN NOT raised THEN attended_seq END) OVER (PARTITION BY clinic, client_id), 0) AS last_unraised
    FROM ors_track_states
)
SELECT clinic, client_id,
       count(*) AS n_later,
       round(arg_max(expected, attended_seq), 2) AS expected_ors,
       arg_max(lower_band, attended_seq) AS lower_band,
       count(*) FILTER (WHERE attended_seq > last_above) AS n_below,
       min(session_date) FILTER (WHERE attended_seq > last_unraised) AS since
FROM breaks
GROUP BY ALL
ORDER BY clinic, client_id
