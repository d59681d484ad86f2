"""Settings: declared once, documented, overridable per clinic, refused clearly when wrong."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from alliance.settings import DEFAULTS, SETTINGS, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented_with_its_default():
    methods = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert s.help and s.help.endswith(".")
        assert f"| `{s.name}` | {s.default} | {s.help} |" in methods, s.name


def test_defaults_and_overrides(tmp_path):
    assert load_settings(None) == DEFAULTS
    assert load_settings(tmp_path) == DEFAULTS
    (tmp_path / "settings.toml").write_text("[settings]\nsrs_cutoff = 35\nrepair_window = 3\n", encoding="utf-8")
    assert load_settings(tmp_path) == {**DEFAULTS, "srs_cutoff": 35, "repair_window": 3}


@pytest.mark.parametrize("text, phrase", [
    ("srs_cutof = 35\n", "unknown setting 'srs_cutof'"),
    ("srs_cutoff = 'high'\n", "must be a number"),
    ("srs_cutoff = true\n", "must be a number"),
    ("srs_cutoff = \n", "cannot be read as TOML"),
])
def test_bad_settings_are_refused_in_one_sentence(tmp_path, text, phrase):
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=phrase) as info:
        load_settings(tmp_path)
    assert "\n" not in str(info.value)


def test_settings_command_prints_the_values_in_force(tmp_path):
    (tmp_path / "settings.toml").write_text("srs_cutoff = 34\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "alliance", "settings", "--home", str(tmp_path), "--format", "json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    rows = {row["setting"]: row for row in json.loads(r.stdout)}
    assert (rows["srs_cutoff"]["in_force"], rows["srs_cutoff"]["default"]) == (34, 36)
    assert rows["rupture_drop"]["in_force"] == 2
    (tmp_path / "settings.toml").write_text("srs_cutoff = 'x'\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "alliance", "settings", "--home", str(tmp_path)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2 and "must be a number" in r.stderr and "Traceback" not in r.stderr
