-- rupture_status: every rupture in a client's whole (visible) history, with its repair status
-- (contract section 6). A rupture is a rated session at least `rupture_drop` SRS points below the
-- client's previous rated session. It is repaired when one of the next `repair_window` rated
-- sessions reaches the score before it, unrepaired when those sessions exist and none does,
-- and open when fewer exist and none does.
SELECT
    clinic, client_id, therapist_id, site, sector, session_id, session_number, session_date,
    srs_before, srs_at, srs_before - srs_at AS "drop",
    CASE
        WHEN best_after >= srs_before THEN 'repaired'
        WHEN n_after >= $repair_window THEN 'unrepaired'
        ELSE 'open'
    END AS status
FROM (
    SELECT
        clinic, client_id, therapist_id, site, sector, session_id, session_number, session_date,
        srs_prev AS srs_before,
        srs_total AS srs_at,
        max(srs_total) OVER later AS best_after,
        count(*) OVER later AS n_after
    FROM rated_sessions
    WINDOW later AS (PARTITION BY clinic, client_id ORDER BY rated_seq
                     ROWS BETWEEN 1 FOLLOWING AND CAST($repair_window AS INTEGER) FOLLOWING)
)
WHERE srs_before - srs_at >= $rupture_drop
