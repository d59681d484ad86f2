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
-- at which not on track has been raised (two in a row below: the run's second ORS on), up to the latest.
-- One pass: the ORS below their band are few, kept as a list per client, and the run is the part of
-- it after the latest ORS that is not below (flag_run, queries/views/07_flag_runs.sql).
WITH per_client AS (
    SELECT clinic, client_id,
           count(*) AS n_later,
           round(arg_max(expected, attended_seq), 2) AS expected_ors,
           arg_max(lower_band, attended_seq) AS lower_band,
           max(attended_seq) FILTER (WHERE NOT below) AS last_above,
           list(struct_pack(seq := attended_seq, day := session_date)) FILTER (WHERE below) AS below_up
    FROM ors_track_states
    GROUP BY ALL
),
runs AS (
    SELECT *, list_sort(flag_run(below_up, last_above)) AS run FROM per_client
)
SELECT clinic, client_id, n_later, expected_ors, lower_band,
       coalesce(len(run), 0) AS n_below,
       run_since(run[2:]) AS since
FROM runs
ORDER BY clinic, client_id
