-- rejects: one row per reject entry: the file, the row as a spreadsheet numbers it, the column, the reason.
SELECT file, row, "column", reason
FROM rejects
ORDER BY file, row, "column", reason;
