"""The pandas baseline (bench/pandas_baseline.py) computes the same figures as the dashboard's queries."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from alliance import queries, sample, store
from alliance.scope import EVERYTHING
from alliance.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


def _baseline():
    spec = importlib.util.spec_from_file_location("pandas_baseline", ROOT / "bench" / "pandas_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pandas_baseline")
    exports, home = tmp / "x", tmp / "home"
    sample.generate(exports, seed=7, n_sessions=20000, layout="parquet")
    store.ingest(exports, home)
    baseline = _baseline()
    con = store.open_reader(home)
    yield baseline, baseline.load(exports), con, load_settings(home)
    con.close()


def test_every_figure_agrees_with_duckdb(both):
    baseline, frames, con, settings = both
    assert set(baseline.FIGURES) == {"alliance_trend", "completion", "alliance_development", "therapist_summary",
                                     "outcome_summary"}
    # The planted bad session rows are dropped by the cleaning, as the store quarantines them.
    assert frames["sessions"]["therapist_id"].notna().all()
    assert not (frames["sessions"][["ors_1", "ors_2", "ors_3", "ors_4"]] > 10).any().any()
    for name, figure in baseline.FIGURES.items():
        pandas_frame = figure(frames, settings)
        duckdb_frame = queries.run(con, name, baseline.PARAMS[name], EVERYTHING, settings)
        assert len(pandas_frame) > 0, name
        assert baseline.compare(pandas_frame, duckdb_frame, name) is None
