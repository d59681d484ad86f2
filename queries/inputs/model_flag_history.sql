-- model_flag_history: per closed treatment up to the period's end, its outcome and whether each caseload flag was raised before its final ORS (flag_validation in alliance/validation.py).
-- param end: date
-- param clinics: texts
-- param intercepts: numbers
-- param intake_slopes: numbers
-- param time_slopes: numbers
-- param interactions: numbers
-- uses: ors_history, flag_states, ors_track_states
-- A treatment is closed when the client's latest attended session lies more than active_weeks
-- weeks (7 days each) before the reference day: the period's end, or the last session day of the
-- data. It is judged when it has at least 3 ORS totals: the intake (first), the final (last) and
-- at least one between, so that a flag could be raised before the outcome is known. improved:
-- final minus intake is at least ors_rci (a reliable improvement).
-- raised_<flag>: the flag was raised at a session after the client's first and before the session
-- of their final ORS (flag_states, and ors_track_states for not on track, whose clinics without a
-- fitted model leave it empty).
WITH history AS (
    SELECT clinic, client_id, attended_seq, session_date, ors_total
    FROM attended_sessions
    WHERE ($end IS NULL OR session_date <= $end)
),
reference AS (
    SELECT coalesce(CAST($end AS DATE), max(session_date)) - 7 * CAST($active_weeks AS INTEGER) AS closed_before
    FROM attended_sessions
),
treatments AS (
    SELECT clinic, client_id,
           max(session_date) AS last_session_date,
           count(ors_total) AS n_ors,
           arg_min(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS intake_ors,
           arg_max(ors_total, attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS final_ors,
           max(attended_seq) FILTER (WHERE ors_total IS NOT NULL) AS final_seq
    FROM history
    GROUP BY clinic, client_id
),
closed AS (
    SELECT t.*, t.final_ors - t.intake_ors >= $ors_rci AS improved
    FROM treatments t, reference r
    WHERE t.last_session_date < r.closed_before AND t.n_ors >= 3
),
raised AS (
    SELECT f.clinic, f.client_id,
           bool_or(f.deteriorated) AS deteriorated, bool_or(f.rupture_flag) AS rupture_flag,
           bool_or(f.low_alliance) AS low_alliance, bool_or(f.large_discrepancy) AS large_discrepancy,
           bool_or(f.no_recent_feedback) AS no_recent_feedback, bool_or(f.ceiling) AS ceiling
    FROM flag_states f
    JOIN closed c ON f.clinic = c.clinic AND f.client_id = c.client_id AND f.attended_seq < c.final_seq
    GROUP BY ALL
),
on_track AS (
    -- raised: this later ORS and the one before it both below their band, two in a row
    SELECT o.clinic, o.client_id, bool_or(o.below AND o.below_before) AS not_on_track
    FROM (SELECT *, coalesce(lag(below) OVER (PARTITION BY clinic, client_id ORDER BY attended_seq), false)
                    AS below_before
          FROM ors_track_states) o
    JOIN closed c ON o.clinic = c.clinic AND o.client_id = c.client_id AND o.attended_seq < c.final_seq
    GROUP BY ALL
)
SELECT c.clinic, c.client_id, c.intake_ors, c.final_ors, c.improved,
       coalesce(r.deteriorated, false) AS raised_deteriorated,
       coalesce(t.not_on_track, false) AS raised_not_on_track,
       coalesce(r.rupture_flag, false) AS raised_rupture_flag,
       coalesce(r.low_alliance, false) AS raised_low_alliance,
       coalesce(r.large_discrepancy, false) AS raised_large_discrepancy,
       coalesce(r.no_recent_feedback, false) AS raised_no_recent_feedback,
       coalesce(r.ceiling, false) AS raised_ceiling
FROM closed c
LEFT JOIN raised r USING (clinic, client_id)
LEFT JOIN on_track t USING (clinic, client_id)
ORDER BY c.clinic, c.client_id
