-- comments: the clients' comments in the period, newest first, with the session's scores; optionally only low or ok alliance, or only comments containing a text.
-- param start: date
-- param end: date
-- param band: all|low|ok = all
-- param search: text
-- param limit: integer = 1000
-- band: low = the session's SRS total is below the cutoff (srs_cutoff); ok = at or above it;
-- a comment without an SRS total is only in `all`. The search is a bound value matched as plain
-- text (contains, not LIKE), so no character in it has a special meaning. `n_matching` is the
-- number of comments that match before the limit, so a page can say "the newest 1,000 of 5,210".
SELECT
    session_date, clinic, site, therapist_id, client_id, session_id, session_number,
    srs_total, client_wai, comment,
    count(*) OVER () AS n_matching
FROM attended_sessions
WHERE comment IS NOT NULL AND trim(comment) <> ''
  AND ($start IS NULL OR session_date >= $start)
  AND ($end IS NULL OR session_date <= $end)
  AND ($band = 'all'
       OR ($band = 'low' AND srs_total < $srs_cutoff)
       OR ($band = 'ok' AND srs_total >= $srs_cutoff))
  AND ($search IS NULL OR contains(lower(comment), lower($search)))
ORDER BY session_date DESC, clinic, client_id, session_id
LIMIT $limit;
