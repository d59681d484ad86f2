-- The run of sessions at which a caseload flag is raised up to the client's latest session that the
-- flag looks at (client_signals; the ORS below their band in model_ors_track). up: the (seq, day) of
-- every session at which the flag is raised (few: flags are rare); down: the attended_seq of the
-- latest session at which it is down.
-- flag_run(up, down): the raised sessions after the latest down, the run the latest session ends
-- (empty when the flag is down there); run_raised(run, start): that run is not empty and its latest
-- session is on or after the period's start; run_since(run): the day the run began.
CREATE MACRO flag_run(up, down) AS list_filter(up, lambda x: x.seq > coalesce(down, 0));
CREATE MACRO run_raised(run, start_day) AS
    coalesce(len(run), 0) > 0 AND (start_day IS NULL OR list_sort(run, 'DESC')[1].day >= start_day);
CREATE MACRO run_since(run) AS list_min(list_transform(run, lambda x: x.day));
