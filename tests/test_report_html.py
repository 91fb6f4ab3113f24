"""``lifecycle report --format html --out FILE``: one self-contained page, every section."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lifecycle import EventLog
from lifecycle._report_html import CHARTS_MISSING, format_html, text_sections
from lifecycle.cli import main
from lifecycle.errors import MissingDependencyError
from lifecycle.report import build_report, format_text

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


class Page(HTMLParser):
    """The tags, headings and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in {"src", "href", "xlink:href"}]
        if tag in {"h1", "h2"}:
            self._in = tag
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in is not None:
            self.headings[-1] += data


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("html") / "report.html"
    assert main(["report", "--format", "html", "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_every_text_section_is_a_heading(demo_page: str) -> None:
    from lifecycle.datasets import DEMO_AS_OF, load_demo

    text = format_text(build_report(load_demo(), DEMO_AS_OF))
    page = parse(demo_page)
    wanted = [text.splitlines()[0], *(heading for heading, _ in text_sections(text))]
    assert len(wanted) >= 14
    for heading in wanted:
        assert heading in page.headings
    assert "RFM (days): 3,000 buyers, 2,042 repeat buyers" in page.headings


def test_self_contained_and_phone_ready(demo_page: str) -> None:
    page = parse(demo_page)
    assert "script" not in page.tags
    assert "<script" not in demo_page.lower()
    assert "link" not in page.tags
    assert all(not url.startswith(("http:", "https:", "//")) for url in page.urls)
    assert 'name="viewport"' in demo_page
    assert "max-width" in demo_page
    assert "overflow-x:auto" in demo_page


@pytest.mark.skipif(not HAS_MATPLOTLIB, reason="charts need matplotlib")
def test_charts_are_inline_svg(demo_page: str) -> None:
    assert demo_page.count("<svg") == 2
    assert "Stage funnel" in demo_page
    assert "Stage flow" in demo_page
    assert CHARTS_MISSING not in demo_page


def test_without_matplotlib_the_page_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    import lifecycle._report_html as module

    def missing(log: EventLog, as_of: dt.date) -> list[tuple[str, str]]:
        raise MissingDependencyError("no module named 'matplotlib'")

    monkeypatch.setattr(module, "report_charts", missing)
    log = EventLog.from_records([{"customer": 1, "date": "2024-01-05"}])
    page = format_html(build_report(log, dt.date(2024, 6, 30)), log)
    assert "<svg" not in page
    assert CHARTS_MISSING in "".join(parse(page).text)
    assert "Relationship stages (default model)" in parse(page).headings


def test_content_is_escaped() -> None:
    log = EventLog.from_records([{"customer": 1, "date": "2024-01-05"}])
    report = build_report(log, dt.date(2024, 6, 30))
    report["at_risk"]["text"] = ["At risk <b>&", "customer <script>x</script>"]
    page = format_html(report)
    assert "<b>" not in page
    assert "<script" not in page
    assert "<h2>At risk &lt;b&gt;&amp;</h2>" in page
    assert "customer &lt;script&gt;x&lt;/script&gt;" in page


def test_out_writes_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, data = tmp_path / "report.txt", tmp_path / "report.json"
    assert main(["report", "--out", str(text)]) == 0
    assert main(["report", "--format", "json", "--out", str(data)]) == 0
    assert capsys.readouterr().out == ""
    assert text.read_text(encoding="utf-8").startswith("Customer lifecycle report as of")
    report = json.loads(data.read_text(encoding="utf-8"))
    assert report["schema"] == "lifecycle.report/1"
    assert report["overview"]["revenue"] == {"amount": "1095057.30", "currency": "EUR"}


def test_out_unwritable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "no" / "such" / "dir" / "report.html"
    assert main(["report", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lifecycle: error: cannot write --out")
    assert str(target) in err


CHROMIUM = shutil.which("chromium")


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium not found: `make test-slow` installs Debian's chromium package; "
    "install it (apt-get install chromium) to load the HTML report in a browser",
)
def test_page_renders_in_headless_chromium(demo_page: str, tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    assert CHROMIUM is not None
    page, png = tmp_path / "report.html", tmp_path / "report.png"
    page.write_text(demo_page, encoding="utf-8")
    run = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=400,2000",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    # A console message from the page is logged as CONSOLE(line); a plain page logs none.
    assert ":CONSOLE(" not in run.stderr, run.stderr
    with image.open(png) as shot:
        pixels = shot.convert("L")
        assert pixels.size == (400, 2000)
        histogram = pixels.histogram()
    not_white = sum(histogram[:250]) / sum(histogram)
    assert not_white > 0.02
