-- client_signals: per client with an attended session in the period, the signals a supervisor looks at (caseload flags without the model-based one), each with the date since when it has been raised.
-- param start: date
-- param end: date
-- uses: rupture_status, flag_states
-- docs/methods.md "Caseload flags" says what each flag means and why; flag_states gives, for every
-- session of a client's history up to the period's end, whether each flag is raised there. A flag
-- is raised for the client when it is raised at their latest such session and that session is in
-- the period; <flag>_since is the date of the first session of the run of sessions at which it has
-- been raised without a break. The rupture flag is the exception: it stays raised from the rupture
-- until the rupture is repaired (rupture_status, contract section 6), so it is raised when a
-- rupture in the period whose drop is a reliable change is open or unrepaired, since the first such.
WITH history AS (
    SELECT * FROM attended_sessions WHERE ($end IS NULL OR session_date <= $end)
),
per_client AS (
    -- "last" means the client's latest attended session in the period, in the contract's order (attended_seq).
    SELECT
        clinic, client_id,
        arg_max(therapist_id, attended_seq) AS therapist_id,
        arg_max(site, attended_seq) AS site,
        arg_max(sector, attended_seq) AS sector,
        count(*) AS n_sessions,
        count(*) FILTER (WHERE is_rated) AS n_rated,
        max(session_date) AS last_session_date,
        arg_max(srs_total, attended_seq) FILTER (WHERE is_rated) AS last_srs,
        arg_max(wai_discrepancy, attended_seq) FILTER (WHERE wai_discrepancy IS NOT NULL) AS last_discrepancy
    FROM history
    WHERE ($start IS NULL OR session_date >= $start)
    GROUP BY clinic, client_id
),
flag_runs AS (
    -- Per client and flag: the run of sessions at which it is raised up to the latest session the flag
    -- looks at (flag_run, queries/views/07_flag_runs.sql): raised when that run is not empty and its
    -- latest session is in the period, since the day the run began. One pass over the sessions.
    SELECT clinic, client_id, any_value(reliable_drop) AS reliable_drop,
           -- the reliable ruptures with their rated_seq, to keep those at the client's last repair_window
           -- + 1 rated sessions up to the period's end (n_rated_to_end), and in the period
           max(rated_seq) AS n_rated_to_end,
           list(struct_pack(id := session_id, seq := rated_seq)) FILTER (
               WHERE rupture_flag AND ($start IS NULL OR session_date >= $start)) AS reliable_ruptures,
           max(attended_seq) FILTER (WHERE NOT low_alliance) AS low_down,
           list(struct_pack(seq := attended_seq, day := session_date)) FILTER (WHERE low_alliance) AS low_up,
           max(attended_seq) FILTER (WHERE NOT deteriorated) AS worse_down,
           list(struct_pack(seq := attended_seq, day := session_date)) FILTER (WHERE deteriorated) AS worse_up,
           max(attended_seq) FILTER (WHERE NOT large_discrepancy) AS gap_down,
           list(struct_pack(seq := attended_seq, day := session_date)) FILTER (WHERE large_discrepancy) AS gap_up,
           max(attended_seq) FILTER (WHERE NOT no_recent_feedback) AS silent_down,
           list(struct_pack(seq := attended_seq, day := session_date)) FILTER (WHERE no_recent_feedback) AS silent_up,
           max(attended_seq) FILTER (WHERE NOT ceiling) AS ceiling_down,
           list(struct_pack(seq := attended_seq, day := session_date)) FILTER (WHERE ceiling) AS ceiling_up
    FROM flag_states
    GROUP BY ALL
),
flag_since AS (
    SELECT clinic, client_id, reliable_drop,
           list_transform(list_filter(reliable_ruptures, lambda r: r.seq >= n_rated_to_end - $repair_window),
                          lambda r: r.id) AS recent_ruptures,
           run_raised(low_run, $start) AS low_now, run_since(low_run) AS low_since,
           run_raised(worse_run, $start) AS worse_now, run_since(worse_run) AS worse_since,
           run_raised(gap_run, $start) AS gap_now, run_since(gap_run) AS gap_since,
           run_raised(silent_run, $start) AS silent_now, run_since(silent_run) AS silent_since,
           run_raised(ceiling_run, $start) AS ceiling_now, run_since(ceiling_run) AS ceiling_since
    FROM (SELECT *,
           flag_run(low_up, low_down) AS low_run,
           flag_run(worse_up, worse_down) AS worse_run,
           flag_run(gap_up, gap_down) AS gap_run,
           flag_run(silent_up, silent_down) AS silent_run,
           flag_run(ceiling_up, ceiling_down) AS ceiling_run
          FROM flag_runs)
),
ors_latest AS (
    SELECT clinic, client_id, count(ors_total) AS n_ors,
           arg_max(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL)
             - arg_min(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS ors_change
    FROM history GROUP BY ALL
),
rupture_flags AS (
    -- A rupture flags the client while it is recent (at one of their last repair_window + 1 rated
    -- sessions up to the period's end) and not repaired (rupture_status), and when it is a reliable fall
    -- both from the session before and from the client's own level (flag_states): a fall from one
    -- unusually high score is mostly that score's chance. Older ruptures stay counted, not flagged.
    SELECT r.clinic, r.client_id,
           count(*) FILTER (WHERE r.status = 'open') AS n_open_ruptures,
           count(*) FILTER (WHERE r.status = 'unrepaired') AS n_unrepaired_ruptures,
           min(r.session_date) FILTER (WHERE r.status IN ('open', 'unrepaired')
                                         AND list_contains(f.recent_ruptures, r.session_id)) AS rupture_since
    FROM rupture_status r
    LEFT JOIN flag_since f USING (clinic, client_id)
    WHERE ($start IS NULL OR r.session_date >= $start)
      AND ($end IS NULL OR r.session_date <= $end)
    GROUP BY ALL
)
SELECT
    p.clinic, p.client_id, p.therapist_id, p.site, p.sector, p.n_sessions, p.n_rated, p.last_session_date,
    p.last_srs,
    coalesce(f.low_now, false) AS low_alliance,
    coalesce(r.n_open_ruptures, 0) AS n_open_ruptures,
    coalesce(r.n_unrepaired_ruptures, 0) AS n_unrepaired_ruptures,
    r.rupture_since IS NOT NULL AS rupture_flag,
    CASE WHEN o.n_ors >= 2 THEN o.ors_change END AS ors_change,
    coalesce(f.worse_now, false) AS deteriorated,
    round(p.last_discrepancy, 2) AS last_discrepancy,
    coalesce(f.gap_now, false) AS large_discrepancy,
    coalesce(f.silent_now, false) AS no_recent_feedback,
    coalesce(f.ceiling_now, false) AS ceiling,
    f.reliable_drop,
    CASE WHEN f.low_now THEN f.low_since END AS low_alliance_since,
    r.rupture_since,
    CASE WHEN f.worse_now THEN f.worse_since END AS deteriorated_since,
    CASE WHEN f.gap_now THEN f.gap_since END AS discrepancy_since,
    CASE WHEN f.silent_now THEN f.silent_since END AS no_feedback_since,
    CASE WHEN f.ceiling_now THEN f.ceiling_since END AS ceiling_since
FROM per_client p
LEFT JOIN flag_since f USING (clinic, client_id)
LEFT JOIN ors_latest o USING (clinic, client_id)
LEFT JOIN rupture_flags r USING (clinic, client_id)
ORDER BY p.clinic, p.client_id;
