"""Downloads under a chart in a real browser: click, get the file, check what it is, find the audit line."""
from __future__ import annotations

import json

from tests.test_browser import CHART_DRAWN, LOAD_MS


def _audit_exports(home) -> list[dict]:
    lines = []
    for path in sorted((home / "audit").glob("audit-*.jsonl")):
        lines += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [line for line in lines if line["event"] == "export"]


def _download(page, label: str):
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label, exact=True).click()
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def test_download_png_and_csv_of_the_overview_chart(page, streamlit_server, sample_home, missing_exports):
    url = streamlit_server(sample_home, missing_exports)
    before = len(_audit_exports(sample_home))
    page.goto(url + "/")
    page.wait_for_selector(CHART_DRAWN, timeout=LOAD_MS)
    # The popover under the sector chart (the chart's own toolbar has a "Download plot as a PNG" too).
    page.locator('[data-testid="stPopover"]').first.get_by_role("button").click()

    name, data = _download(page, "PNG")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert name.startswith("alliance-trend_sectors") and name.endswith(".png") and name.isascii()

    name, data = _download(page, "CSV")
    text = data.decode("utf-8-sig")
    assert name.endswith(".csv") and text.splitlines()[0].startswith("month,group,")
    assert {"public", "private"} <= {line.split(",")[1] for line in text.splitlines()[1:]}

    exports = _audit_exports(sample_home)[before:]
    assert [(e["detail"]["what"], e["detail"]["format"], e["detail"]["page"]) for e in exports] == [
        ("alliance_trend", "png", "overview"), ("alliance_trend", "csv", "overview")]
    assert all(e["user"] == "local" and e["detail"]["rows"] > 0 for e in exports)


def test_every_chart_of_a_page_has_its_downloads_and_nothing_is_made_on_load(monkeypatch, sample_home,
                                                                            missing_exports):
    """AppTest: a Download popover with six buttons under each of the Clinics page's five charts; no file made."""
    from streamlit.testing.v1 import AppTest

    from alliance import export
    from tests.test_pages import DASHBOARD, TIMEOUT

    monkeypatch.setenv("ALLIANCE_HOME", str(sample_home))
    monkeypatch.setenv("ALLIANCE_DATA", str(missing_exports))
    before = len(_audit_exports(sample_home))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/clinics.py").run()
    assert not at.exception, [e.value for e in at.exception]
    keys = [b.proto.id for b in at.get("download_button")]
    charts = ("clinics_trend", "clinics_development", "clinics_profiles", "clinics_outcomes", "clinics_early")
    for chart in charts:
        for fmt in export.FORMATS:
            assert any(f"{chart}_download_{fmt}" in k for k in keys), (chart, fmt)
    assert len(_audit_exports(sample_home)) == before  # a page view makes no export
