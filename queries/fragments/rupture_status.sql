-- rupture_status: every rupture in a client's whole (visible) history, with its repair status
-- (contract section 6). A rupture is a rated session at least `rupture_drop` SRS points below the
-- client's previous rated session. It is repaired when one of the next `repair_window` rated
-- sessions reaches the score before it, unrepaired when those sessions exist and none does,
-- and open when fewer exist and none does. Ruptures are few, so the later sessions are joined
-- to them rather than computed for every session.
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
        c.clinic, c.client_id, c.therapist_id, c.site, c.sector, c.session_id, c.session_number,
        c.session_date, c.srs_prev AS srs_before, c.srs_total AS srs_at,
        max(r.srs_total) AS best_after,
        count(r.srs_total) AS n_after
    FROM rated_sessions c
    LEFT JOIN rated_sessions r
           ON r.clinic = c.clinic AND r.client_id = c.client_id
          AND r.rated_seq > c.rated_seq AND r.rated_seq <= c.rated_seq + $repair_window
    WHERE c.srs_prev - c.srs_total >= $rupture_drop
    GROUP BY c.clinic, c.client_id, c.therapist_id, c.site, c.sector, c.session_id, c.session_number,
             c.session_date, c.srs_prev, c.srs_total
)
