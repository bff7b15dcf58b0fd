"""The report page: Plotly figures from `ReportData`, in one HTML file with plotly.js inlined once.

The page loads nothing: no CDN, no MathJax, no web font, and a Content-Security-Policy that lets
the browser fetch nothing either, so it opens from a file, an e-mail attachment or a wiki upload
and prints as it shows. Colours mean one thing throughout: violet is the company's side, teal
the customer's, amber trackers.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import jinja2
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline

from .report_queries import RELATIONS, ReportData

INTERNAL = "#6D28D9"
EXTERNAL = "#0D9488"
NEUTRAL = "#94A3B8"
TRACKER = "#D97706"
SCOPE_COLOURS = {"External": EXTERNAL, "Internal": INTERNAL, "Unknown": NEUTRAL}
OUTCOME_COLOURS = (EXTERNAL, "#475569", TRACKER, INTERNAL, "#0284C7", "#BE185D")
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
INK, GRID = "#1F2937", "#E5E7EB"
WEEK_AXIS = "Week starting (Monday, UTC)"
# The browser may fetch nothing: plotly.js and the charts are inline, heatmaps draw to data: images.
CONTENT_SECURITY_POLICY = "; ".join(
    ("default-src 'none'", "script-src 'unsafe-inline'", "style-src 'unsafe-inline'", "img-src data: blob:")
)
PLOT_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: str
    note: str


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    subtitle: str
    figure: go.Figure

    def html(self) -> str:
        return pio.to_html(
            self.figure,
            include_plotlyjs=False,
            full_html=False,
            div_id=f"chart-{self.key}",
            config=PLOT_CONFIG,
            default_width="100%",
            default_height=f"{self.figure.layout.height}px",
        )


def render(data: ReportData, source: str, generated_at: datetime) -> str:
    """The whole page as one string."""
    return _TEMPLATE.render(
        data=data,
        period=_period_text(data),
        source=source,
        generated_at=f"{generated_at:%Y-%m-%d %H:%M} UTC",
        kpis=kpis(data),
        charts=charts(data),
        relations=sorted(RELATIONS.values()),
        plotly_js=plotly.offline.get_plotlyjs(),
        csp=CONTENT_SECURITY_POLICY,
    )


def kpis(data: ReportData) -> list[Kpi]:
    k = data.kpis
    return [
        Kpi("calls", "Calls", f"{k['calls']:,}", "in the period"),
        Kpi("hours_recorded", "Hours recorded", _number(k["hours_recorded"], 1), "sum of call durations"),
        Kpi("reps", "Reps", f"{k['reps']:,}", "hosting calls"),
        Kpi("accounts", "Accounts", f"{k['accounts']:,}", "with a call"),
        Kpi(
            "avg_talk_ratio",
            "Avg talk ratio",
            _percent(k["avg_talk_ratio"]),
            "company share of talk, per call",
        ),
        Kpi(
            "external_talk_minutes",
            "External talk minutes",
            _number(k["external_talk_minutes"], 0),
            "customers speaking, from transcripts",
        ),
        Kpi(
            "longest_monologue_seconds",
            "Longest monologue",
            _minutes_seconds(k["longest_monologue_seconds"]),
            "one speaker without a break (m:ss)",
        ),
        Kpi("transcribed_share", "Transcribed", _percent(k["transcribed_share"]), "calls with a transcript"),
    ]


def charts(data: ReportData) -> list[Chart]:
    r, weeks = data.results, data.weeks
    return _level_rows(
        [
            Chart(
                "calls_per_week", "Calls per week", "External calls and internal meetings", _calls(r, weeks)
            ),
            Chart(
                "talk_ratio",
                "Talk ratio by rep and week",
                "Company share of talk in the calls each rep hosted: "
                "violet, the company talks more; teal, the customer",
                _talk_ratio(r, weeks),
            ),
            Chart(
                "longest_monologue",
                "Longest monologue by rep",
                "The rep's own longest stretch of talk without a break, any call in the period",
                _hbar(
                    r["rep_longest_monologue"],
                    ("rep", "longest_monologue_seconds", "Longest monologue (seconds)"),
                    INTERNAL,
                    lambda row: _minutes_seconds(row["longest_monologue_seconds"]),
                ),
            ),
            Chart(
                "top_accounts",
                "Top accounts by external talk",
                "Minutes the account's people spoke, from transcripts (top 10)",
                _hbar(
                    r["top_accounts"],
                    ("account_name", "external_talk_minutes", "External talk (minutes)"),
                    EXTERNAL,
                    lambda row: f"{row['external_talk_minutes']:,.1f} min · {_calls_text(row['calls'])}",
                ),
            ),
            Chart(
                "trackers",
                "Trackers",
                "Mentions of each Gong tracker, and in how many calls",
                _hbar(
                    r["trackers"],
                    ("tracker_name", "mentions", "Mentions"),
                    TRACKER,
                    lambda row: f"{row['mentions']:,} in {_calls_text(row['calls'])}",
                ),
            ),
            Chart(
                "call_outcomes",
                "Call outcomes",
                "Calls by the outcome set in Gong",
                _outcomes(r["call_outcomes"]),
            ),
        ]
    )


def _level_rows(charts: list[Chart], columns: int = 2, tallest: int = 560) -> list[Chart]:
    """Charts side by side get one height, so the cards of a row line up (up to `tallest` px)."""
    for start in range(0, len(charts), columns):
        row = charts[start : start + columns]
        height = max(chart.figure.layout.height for chart in row)
        if height <= tallest:
            for chart in row:
                chart.figure.update_layout(height=height)
    return charts


# --------------------------------------------------------------------------------------------------
def _calls(results: dict[str, Any], weeks: list[date]) -> go.Figure:
    counts: dict[str, dict[date, int]] = {}
    for row in results["calls_per_week"]:
        counts.setdefault(row["scope"], {})[_day(row["week_start"])] = row["calls"]
    scopes = sorted(
        counts, key=lambda scope: list(SCOPE_COLOURS).index(scope) if scope in SCOPE_COLOURS else 9
    )
    figure = go.Figure(
        [
            go.Bar(
                name=_label(scope),
                x=[_week_label(week) for week in weeks],
                y=[counts[scope].get(week, 0) for week in weeks],
                marker_color=SCOPE_COLOURS.get(scope, TRACKER),
                hovertemplate="%{y} calls<extra>%{fullData.name}</extra>",
            )
            for scope in scopes
        ]
    )
    totals = [sum(counts[scope].get(week, 0) for scope in scopes) for week in weeks]
    figure.add_trace(
        go.Scatter(
            x=[_week_label(week) for week in weeks],
            y=totals,
            text=totals,
            mode="text",
            textposition="top center",
            showlegend=False,
            hoverinfo="skip",
        )
    )
    figure.update_layout(barmode="stack")
    figure.update_yaxes(range=[0, max(totals, default=0) * 1.15 + 1])
    return _style(figure, 320, WEEK_AXIS, "Calls", legend=True)


def _talk_ratio(results: dict[str, Any], weeks: list[date]) -> go.Figure:
    rows = results["rep_week_talk_ratio"]
    reps = list(dict.fromkeys((row["user_id"], row["rep"]) for row in rows))
    if not reps:
        return _empty()
    cells = {(row["user_id"], _day(row["week_start"])): row for row in rows}
    names = [name for _, name in reps]
    labels = [_label(name if names.count(name) == 1 else f"{name} ({user})") for user, name in reps]
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    hosted: list[list[int]] = []
    for user, _ in reps:
        found = [cells.get((user, week)) for week in weeks]
        z.append([cell["talk_ratio"] if cell else None for cell in found])
        text.append([_percent(cell["talk_ratio"], empty="") if cell else "" for cell in found])
        hosted.append([cell["calls_hosted"] if cell else 0 for cell in found])
    figure = go.Figure(
        go.Heatmap(
            x=[_week_label(week) for week in weeks],
            y=labels,
            z=z,
            text=text,
            texttemplate="%{text}",
            customdata=hosted,
            hovertemplate="%{y}, week of %{x}<br>talk ratio %{z:.0%} over %{customdata} calls<extra></extra>",
            colorscale=[[0.0, EXTERNAL], [0.5, "#F8FAFC"], [1.0, INTERNAL]],
            zmin=0,
            zmid=0.5,
            zmax=1,
            xgap=3,
            ygap=3,
            hoverongaps=False,
            colorbar={"title": {"text": "Talk ratio", "side": "right"}, "tickformat": ".0%", "thickness": 12},
        )
    )
    figure.update_yaxes(autorange="reversed", showgrid=False)
    figure.update_xaxes(showgrid=False)
    return _style(figure, max(260, 90 + 30 * len(reps)), WEEK_AXIS, None)


def _hbar(
    rows: list[dict[str, Any]],
    columns: tuple[str, str, str],
    colour: str,
    text: Callable[[dict[str, Any]], str],
) -> go.Figure:
    """Horizontal bars, the largest on top: `columns` = (label column, value column, axis title)."""
    label, value, axis = columns
    if not rows:
        return _empty()
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=[_label(row[label]) for row in rows],
            x=[row[value] for row in rows],
            text=[text(row) for row in rows],
            textposition="auto",  # inside a long bar, beside a short one: never off the chart
            cliponaxis=False,
            marker_color=colour,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", showgrid=False)
    figure.update_xaxes(range=[0, max(row[value] for row in rows) * 1.15])
    return _style(figure, max(220, 70 + 30 * len(rows)), axis, None)


def _outcomes(rows: list[dict[str, Any]]) -> go.Figure:
    if not rows:
        return _empty()
    categories = sorted({row["category"] for row in rows})
    figure = go.Figure(
        [
            go.Bar(
                name=_label(category),
                orientation="h",
                y=[_label(row["outcome"]) for row in rows if row["category"] == category],
                x=[row["calls"] for row in rows if row["category"] == category],
                text=[row["calls"] for row in rows if row["category"] == category],
                textposition="outside",
                cliponaxis=False,
                marker_color=OUTCOME_COLOURS[index % len(OUTCOME_COLOURS)],
                hovertemplate="%{y}: %{x} calls<extra>%{fullData.name}</extra>",
            )
            for index, category in enumerate(categories)
        ]
    )
    order = [_label(row["outcome"]) for row in rows]
    figure.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", showgrid=False)
    figure.update_xaxes(range=[0, max(row["calls"] for row in rows) * 1.2])
    return _style(figure, max(240, 100 + 30 * len(rows)), "Calls", None, legend=True)


def _empty() -> go.Figure:
    figure = go.Figure()
    figure.add_annotation(text="No data in this period", showarrow=False, font={"size": 14, "color": NEUTRAL})
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _style(figure, 200, None, None)


def _style(
    figure: go.Figure, height: int, x_title: str | None, y_title: str | None, legend: bool = False
) -> go.Figure:
    figure.update_layout(
        height=height,
        template="simple_white",
        margin={"l": 8, "r": 24, "t": 32 if legend else 8, "b": 8},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "traceorder": "normal"},
        font={"family": FONT, "size": 12, "color": INK},
        showlegend=legend,
        bargap=0.3,
        hoverlabel={"font": {"family": FONT}},
    )
    figure.update_xaxes(title_text=x_title, automargin=True, gridcolor=GRID, linecolor=GRID, ticks="")
    figure.update_yaxes(title_text=y_title, automargin=True, gridcolor=GRID, linecolor=GRID, ticks="")
    if y_title:
        figure.update_yaxes(showgrid=True)
    return figure


def _period_text(data: ReportData) -> str:
    if data.first_week is None or data.last_week is None:
        return "No calls loaded yet"
    weeks = len(data.weeks)
    last_day = data.last_week + timedelta(days=6)
    return f"{data.first_week:%-d %b %Y} – {last_day:%-d %b %Y} · {weeks} week{'s' * (weeks != 1)}"


def _week_label(week: date) -> str:
    return f"{week:%-d %b}"


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _label(text: Any) -> str:
    """Data as Plotly text: its pseudo-HTML (<a href>, <b>) is escaped, so a name stays a name."""
    return html.escape(str(text), quote=False)


def _calls_text(count: int) -> str:
    return f"{count:,} call{'s' * (count != 1)}"


def _number(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _percent(value: float | None, empty: str = "–") -> str:
    return empty if value is None else f"{value:.0%}"


def _minutes_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}"


_TEMPLATE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<title>Gong call report · {{ period }}</title>
<style>
  :root { --ink: #1F2937; --muted: #6B7280; --line: #E5E7EB; --internal: #6D28D9; --external: #0D9488; }
  * { box-sizing: border-box; }
  body { margin: 0; background: #F3F4F6; color: var(--ink);
         font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
  header { background: #fff; border-bottom: 4px solid var(--internal); padding: 20px 32px 16px; }
  header h1 { margin: 0; font-size: 24px; letter-spacing: -0.01em; }
  header .period { margin: 2px 0 0; font-size: 16px; }
  header .meta { margin: 6px 0 0; color: var(--muted); font-size: 12px; }
  main { padding: 20px 32px 32px; max-width: 1480px; margin: 0 auto; }
  .kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-bottom: 20px; }
  .kpi { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
  .kpi-label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
  .kpi-value { font-size: 28px; font-weight: 650; font-variant-numeric: tabular-nums; margin: 2px 0; }
  .kpi-note { color: var(--muted); font-size: 12px; }
  .charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px 10px; }
  .card h2 { margin: 0; font-size: 16px; }
  .card p { margin: 2px 0 8px; color: var(--muted); font-size: 12px; }
  footer { color: var(--muted); font-size: 12px; padding: 0 32px 24px; max-width: 1480px; margin: 0 auto; }
  footer code { font-size: 11px; }
  @media (max-width: 900px) { .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
                              .charts { grid-template-columns: 1fr; } }
  @page { size: A4 landscape; margin: 10mm; }
  @media print {
    body { background: #fff; font-size: 11px; }
    header { padding: 0 0 8px; }
    main, footer { padding: 8px 0; max-width: none; }
    .kpi, .card { border-color: #D1D5DB; break-inside: avoid; page-break-inside: avoid; }
    .kpi-value { font-size: 22px; }
    * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  }
</style>
<script>{{ plotly_js | safe }}</script>
</head>
<body>
<header>
  <h1>Gong call report</h1>
  <p class="period">{{ period }}</p>
  <p class="meta">From the dbt models in <b>{{ data.schema }}</b>{% if source %} of {{ source }}{% endif %}
    · generated {{ generated_at }} by <code>gong-pipeline report</code></p>
</header>
<main>
  <section class="kpis">
  {%- for kpi in kpis %}
    <div class="kpi" data-kpi="{{ kpi.key }}">
      <div class="kpi-label">{{ kpi.label }}</div>
      <div class="kpi-value">{{ kpi.value }}</div>
      <div class="kpi-note">{{ kpi.note }}</div>
    </div>
  {%- endfor %}
  </section>
  <section class="charts">
  {%- for chart in charts %}
    <article class="card" data-chart="{{ chart.key }}">
      <h2>{{ chart.title }}</h2>
      <p>{{ chart.subtitle }}</p>
      {{ chart.html() | safe }}
    </article>
  {%- endfor %}
  </section>
</main>
<footer>
  Talk ratio = the company's talk time / (company + external talk time) of a call, averaged over calls.
  Weeks start on Monday (UTC). Read from:
  {% for name in relations %}<code>{{ name }}</code>{{ ", " if not loop.last }}{% endfor %}.
</footer>
<script>
  // Charts follow the page width on screen and the paper width when printed.
  const resizeCharts = () =>
    document.querySelectorAll(".js-plotly-plot").forEach((el) => Plotly.Plots.resize(el));
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);
</script>
</body>
</html>
"""
)
