"""The demo's report as a person sees it: headless Chromium opens the file and asks for nothing else.

Required when CI=true (`.ci/run` installs Debian's chromium); elsewhere it skips saying why. Set
GONG_REPORT_SCREENSHOT=docs/report.png to also write the screenshot the README shows.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.report.conftest import DemoReport
from tests.report.expected import Expected, read_models

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHARTS = ("calls_per_week", "talk_ratio", "longest_monologue", "top_accounts", "trackers", "call_outcomes")
VIEWPORT = {"width": 1400, "height": 900}
A4_LANDSCAPE_PX = 1047  # 297 mm - 2 x 10 mm margins, at 96 px per inch


def _require_browser() -> None:
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the python package playwright is missing (pip install -e '.[dev]')"
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}; .ci/run installs chromium before `make test`")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OpenedReport:
    """The report open in a fresh browser context, with every request and script error it caused."""

    def __init__(self, browser: Any, html_path: Path, **context: Any) -> None:
        self.url = html_path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(**context)
        self.context.route(re.compile(r"^(?!file:)"), lambda route: route.abort())  # nothing may leave
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)
        self.page.goto(self.url)
        self.page.wait_for_function(
            f"document.querySelectorAll('[data-chart] .js-plotly-plot .main-svg').length >= {len(CHARTS)}"
        )

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def chart(self, key: str) -> Any:
        return self.page.locator(f'[data-chart="{key}"]')

    def texts(self, key: str, selector: str) -> list[str]:
        """The text of each match, top to bottom as the page shows them."""
        return (
            self.chart(key)
            .locator(selector)
            .evaluate_all(
                """nodes => nodes.map(n => [n.getBoundingClientRect().top, n.textContent])
                             .sort((a, b) => a[0] - b[0]).map(pair => pair[1])"""
            )
        )


@pytest.fixture(scope="module")
def opened(browser: Any, demo_report: DemoReport) -> Iterator[OpenedReport]:
    report = OpenedReport(browser, demo_report.html_path, viewport=VIEWPORT)
    yield report
    report.context.close()


@pytest.fixture(scope="module")
def expected(demo_report: DemoReport) -> Expected:
    with duckdb.connect(str(demo_report.duckdb_path), read_only=True) as connection:
        return Expected(read_models(connection, demo_report.schema), weeks=12)


def test_the_page_asks_for_nothing_but_itself(opened):
    assert opened.requests == [opened.url]
    assert opened.errors == []
    linked = opened.page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el => [...el.attributes])
              .filter(a => /(^|:)(src|href)$/.test(a.name) && /^\\s*(https?:)?\\/\\//i.test(a.value))
              .map(a => a.value)"""
    )
    assert linked == []


def test_kpis_shown_equal_the_marts(opened, expected):
    want = expected.kpis()
    minutes, seconds = divmod(round(want["longest_monologue_seconds"]), 60)
    shown = {
        "calls": f"{want['calls']:,}",
        "hours_recorded": f"{want['hours_recorded']:,.1f}",
        "reps": f"{want['reps']:,}",
        "accounts": f"{want['accounts']:,}",
        "avg_talk_ratio": f"{want['avg_talk_ratio']:.0%}",
        "external_talk_minutes": f"{want['external_talk_minutes']:,.0f}",
        "longest_monologue_seconds": f"{minutes}:{seconds:02d}",
        "transcribed_share": f"{want['transcribed_share']:.0%}",
    }
    page = {key: opened.page.locator(f'[data-kpi="{key}"] .kpi-value').inner_text() for key in shown}
    assert page == shown


def test_every_chart_rendered_what_the_marts_hold(opened, expected):
    for key in CHARTS:
        assert opened.chart(key).locator("svg.main-svg").count() >= 2, f"{key} drew no SVG"
    weeks, scopes = len(expected.week_starts), len(expected.scopes())
    assert opened.chart("calls_per_week").locator("g.trace.bars").count() == scopes
    assert opened.chart("calls_per_week").locator("g.trace.bars g.point").count() == scopes * weeks
    assert opened.chart("talk_ratio").locator("g.hm image").count() == 1
    reps = {row["user_id"] for row in expected.rep_weeks()}
    assert opened.chart("talk_ratio").locator("g.ytick").count() == len(reps)
    assert opened.chart("longest_monologue").locator("g.point").count() == expected.reps_with_monologue()
    top = expected.top_accounts()
    assert opened.texts("top_accounts", "g.ytick text") == [name for name, _ in top]
    bar_minutes = [label.split(" min")[0] for label in opened.texts("top_accounts", "g.point text")]
    assert bar_minutes == [f"{minutes:,.1f}" for _, minutes in top]
    assert sorted(opened.texts("trackers", "g.ytick text")) == sorted(expected.tracker_mentions())
    outcomes = expected.outcomes()
    assert sorted(opened.texts("call_outcomes", "g.ytick text")) == sorted(outcomes)
    assert sum(int(t) for t in opened.texts("call_outcomes", "g.point text")) == sum(outcomes.values())


def test_no_axis_labels_overlap(opened):
    overlaps = opened.page.evaluate(
        """() => {
          const hit = (a, b) =>
            a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
          const found = [];
          for (const chart of document.querySelectorAll('[data-chart]')) {
            for (const axis of ['g.xtick text', 'g.ytick text']) {
              const boxes = [...chart.querySelectorAll(axis)]
                .map(t => [t.textContent, t.getBoundingClientRect()]);
              boxes.forEach(([a, ra], i) => boxes.slice(i + 1).forEach(([b, rb]) => {
                if (hit(ra, rb)) found.push(`${chart.dataset.chart}: ${a} / ${b}`);
              }));
            }
          }
          return found;
        }"""
    )
    assert overlaps == []


def test_it_prints_on_a4_landscape(browser, demo_report, tmp_path):
    printed = OpenedReport(browser, demo_report.html_path, viewport={"width": A4_LANDSCAPE_PX, "height": 740})
    try:
        printed.page.emulate_media(media="print")
        printed.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        widths = printed.page.evaluate(
            """() => [document.documentElement.scrollWidth,
                      ...[...document.querySelectorAll('[data-chart]')].map(card =>
                          card.querySelector('svg.main-svg').getBoundingClientRect().right
                          - card.getBoundingClientRect().right)]"""
        )
        assert widths[0] <= A4_LANDSCAPE_PX and max(widths[1:]) <= 0, widths  # nothing runs off the paper
        pdf = printed.page.pdf(path=str(tmp_path / "report.pdf"), format="A4", landscape=True)
        assert pdf.startswith(b"%PDF") and printed.errors == []
    finally:
        printed.context.close()


def test_screenshot(opened, tmp_path):
    """Kept under the test's tmp dir; GONG_REPORT_SCREENSHOT=docs/report.png refreshes the README's."""
    shot = tmp_path / "report.png"
    opened.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000  # a page of charts, not a blank one
    target = os.environ.get("GONG_REPORT_SCREENSHOT")
    if target:
        shutil.copyfile(shot, target)
