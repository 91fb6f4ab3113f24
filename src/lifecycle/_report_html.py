"""``lifecycle report --format html``: the text report as one self-contained HTML page.

Every section of :func:`lifecycle.report.format_text` becomes a heading and a ``<pre>``
block, escaped; with matplotlib, charts of :mod:`lifecycle.plot` come inline as SVG. The
page loads nothing (CSS inline, no script, no external URL) and fits a phone's width.

Examples
--------
>>> from lifecycle.datasets import load_demo, DEMO_AS_OF
>>> from lifecycle.report import build_report
>>> page = format_html(build_report(load_demo(), DEMO_AS_OF))
>>> page.startswith("<!DOCTYPE html>"), "<script" in page
(True, False)
"""

from __future__ import annotations

import datetime as dt
import io
import re
from html import escape
from typing import Any

from .errors import MissingDependencyError
from .events import EventLog
from .report import format_text
from .stages import default_lifecycle
from .table import import_optional

__all__ = ["CHARTS_MISSING", "format_html", "report_charts", "text_sections"]

#: What the page says in place of charts when matplotlib is not installed.
CHARTS_MISSING = (
    "Charts need matplotlib: pip install 'customer-lifecycle[plot]', then run the report again."
)

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:1rem;
max-width:60rem;color:#1f2328;background:#fff;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #d0d7de}
pre{overflow-x:auto;background:#f6f8fa;padding:.6rem;font-size:.8rem;border-radius:4px}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
figcaption{font-size:.9rem;color:#57606a}.note{color:#57606a}
"""


def text_sections(text: str) -> list[tuple[str, list[str]]]:
    r"""Split :func:`~lifecycle.report.format_text` output into (heading, lines) sections.

    A section starts at an unindented line after a blank line; the lines after the title
    and before the first such heading are the ``Overview``.

    Examples
    --------
    >>> text_sections("Title\n\nCustomers 2\n\nRFM\n  a b\n\n  c")
    [('Overview', ['Customers 2']), ('RFM', ['  a b', '', '  c'])]
    """
    lines = text.splitlines()[1:]
    sections: list[tuple[str, list[str]]] = []
    for i, line in enumerate(lines):
        if sections and line and not line.startswith(" ") and not lines[i - 1]:
            sections.append((line, []))
        elif sections:
            sections[-1][1].append(line)
        elif line:
            sections.append(("Overview", [line]))
    # The blank line before each heading belongs to neither section.
    return [(heading, body[:-1] if body and not body[-1] else body) for heading, body in sections]


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    # Keep the <svg> element only: no XML prologue, no DOCTYPE, no RDF metadata URLs.
    svg = svg[svg.index("<svg") :]
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def report_charts(log: EventLog, as_of: dt.date) -> list[tuple[str, str]]:
    """The report's charts as (caption, inline SVG) pairs; needs matplotlib.

    The stage funnel on the last day of each of the four quarters up to ``as_of`` and the
    stage flow over the year before ``as_of`` (:mod:`lifecycle.plot`), drawn on the
    default lifecycle model replayed on a monthly grid, like the text report's stages.

    Raises
    ------
    MissingDependencyError
        matplotlib is not installed.

    Examples
    --------
    >>> from lifecycle.datasets import load_demo, DEMO_AS_OF
    >>> [caption.split(":")[0] for caption, _ in report_charts(load_demo(), DEMO_AS_OF)]
    ['Stage funnel', 'Stage flow']
    """
    figure_module = import_optional("matplotlib.figure", "plot")
    from .plot import stage_flow, stage_funnel

    timeline = default_lifecycle().replay(log, end=as_of, every="1M")
    start = max(log.start or as_of, as_of - dt.timedelta(days=365))
    dates = sorted({max(start, as_of - dt.timedelta(days=91 * k)) for k in range(4)})
    charts = []
    figure = figure_module.Figure(figsize=(7, 4))
    stage_funnel(timeline.funnel(dates), ax=figure.subplots())
    charts.append(
        (f"Stage funnel: customers per stage on {', '.join(map(str, dates))}", _svg(figure))
    )
    figure = figure_module.Figure(figsize=(7, 4.5))
    stage_flow(timeline.flow(start, as_of), ax=figure.subplots())
    charts.append((f"Stage flow: where customers went from {start} to {as_of}", _svg(figure)))
    return charts


def format_html(report: dict[str, Any], log: EventLog | None = None) -> str:
    """Render :func:`~lifecycle.report.build_report` output as one self-contained HTML page.

    Parameters
    ----------
    report : dict
        What :func:`~lifecycle.report.build_report` returned.
    log : EventLog, optional
        The log the report was built from: with it (and matplotlib installed) the page
        carries :func:`report_charts`; without matplotlib it says how to get them.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.report import build_report
    >>> log = EventLog.from_records([{"customer": "<b>", "date": "2024-01-05"}])
    >>> page = format_html(build_report(log, dt.date(2024, 6, 30)))
    >>> "<h2>Relationship stages (default model)</h2>" in page
    True
    """
    text = format_text(report)
    title = escape(text.splitlines()[0])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
    ]
    if log is not None:
        parts.append("<h2>Charts</h2>")
        try:
            charts = report_charts(log, dt.date.fromisoformat(report["as_of"]))
        except MissingDependencyError:
            parts.append(f'<p class="note">{escape(CHARTS_MISSING)}</p>')
        else:
            parts += [
                f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"
                for caption, svg in charts
            ]
    for heading, lines in text_sections(text):
        parts.append(f"<h2>{escape(heading)}</h2>")
        if lines:
            parts.append(f"<pre>{escape(_dedent(lines))}</pre>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _dedent(lines: list[str]) -> str:
    indent = min(len(line) - len(line.lstrip(" ")) for line in lines if line)
    return "\n".join(line[indent:] for line in lines)
