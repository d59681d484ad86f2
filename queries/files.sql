-- files: one row per ingested or ignored file (contract section 7).
SELECT file, kind, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate, rows_orphan,
       message, rows_replaced, unmapped, format, encoding, delimiter, first_ingested, sha256
FROM files
ORDER BY CASE WHEN status = 'ignored' THEN 1 ELSE 0 END, file_order, file;
