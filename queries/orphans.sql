-- orphans: feedback rows waiting for their session: the file, the row as a spreadsheet numbers it, the clinic, the session and the rater (never the comment).
SELECT source_file AS file, source_row AS "row", clinic, session_id, rater
FROM feedback
WHERE is_orphan
ORDER BY file, "row", clinic, session_id, rater;
