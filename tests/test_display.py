"""Tests of lifecycle._display: how a Table and a Population print and render as HTML."""

from __future__ import annotations

import datetime as dt
import html
from html.parser import HTMLParser

import attrs
import numpy as np
import pytest
from dateutil.relativedelta import relativedelta

from lifecycle import Condition, Currency, EventLog, Money, Table, attribute, signal
from lifecycle._display import number, plural, table_html, table_text
from lifecycle.conditions import always, tenure_at_least
from lifecycle.instruments import ces, csat, ipa, nps
from lifecycle.pricing import PercentOff, PricingPolicy, Quote
from lifecycle.signals import SIGNALS, Population
from lifecycle.stages import (
    LifecycleModel,
    StageCodes,
    StageFlow,
    Transition,
    default_lifecycle,
)


def population(**columns: object) -> Population:
    return Population(
        {"customer": ["ann", "bob"], **columns},
        as_of=dt.date(2024, 12, 31),
        currency=Currency("EUR"),
    )


class TestTableText:
    def test_is_the_repr(self) -> None:
        t = Table({"a": [1, 2]})
        assert repr(t) == table_text(t)

    @pytest.mark.parametrize(
        ("columns", "title"),
        [
            ({"a": [1]}, "Table: 1 row x 1 column"),
            ({"a": [1, 2], "b": [3, 4]}, "Table: 2 rows x 2 columns"),
            ({"a": []}, "Table: 0 rows x 1 column"),
            ({}, "Table: 0 rows x 0 columns"),
            ({"a": np.arange(1234)}, "Table: 1,234 rows x 1 column"),
        ],
    )
    def test_shape_with_plurals(self, columns: dict[str, object], title: str) -> None:
        assert table_text(Table(columns)).splitlines()[0] == title

    def test_short_table_shows_every_row(self) -> None:
        lines = table_text(Table({"a": np.arange(10)})).splitlines()
        assert len(lines) == 12
        assert "..." not in lines
        assert lines[-1] == "9  9"

    def test_long_table_shows_first_and_last_rows(self) -> None:
        lines = table_text(Table({"a": np.arange(100, 111)})).splitlines()
        assert lines[1:] == [
            "      a",
            " 0  100",
            " 1  101",
            " 2  102",
            " 3  103",
            " 4  104",
            "...",
            " 6  106",
            " 7  107",
            " 8  108",
            " 9  109",
            "10  110",
        ]

    def test_numbers_right_strings_left(self) -> None:
        text = table_text(Table({"name": ["a", "long name"], "n": [5, 12345]}))
        assert text.splitlines()[1:] == [
            "   name           n",
            "0  a              5",
            "1  long name  12345",
        ]

    def test_floats_print_like_numbers(self) -> None:
        values = [-38.800000000000004, 1.5, 1234567.25, float("nan")]
        lines = table_text(Table({"x": values})).splitlines()
        assert [line.split("  ")[-1].strip() for line in lines[2:]] == [
            "-38.80",
            "1.50",
            "1,234,567.25",
            "nan",
        ]
        assert len({len(line) for line in lines[2:]}) == 1  # right-aligned

    def test_whole_floats_have_no_decimals(self) -> None:
        assert table_text(Table({"x": [496.0, 5.0]})).splitlines()[2] == "0  496"

    def test_dates_as_dates(self) -> None:
        days = np.array(["2024-02-29", "NaT"], dtype="datetime64[D]")
        lines = table_text(Table({"day": days})).splitlines()
        assert lines[2:] == ["0  2024-02-29", "1  NaT"]

    def test_long_text_is_cut(self) -> None:
        line = table_text(Table({"why": ["x" * 50]})).splitlines()[2]
        assert line == "0  " + "x" * 29 + "…"

    def test_wide_table_lists_the_columns_left_out(self) -> None:
        t = Table({f"column_{i}": [i] for i in range(12)})
        lines = table_text(t).splitlines()
        assert all(len(line) <= 100 for line in lines)
        assert lines[-1] == "(3 more columns: column_9, column_10, column_11)"
        one = Table({f"column_{i}": [i] for i in range(10)})
        assert table_text(one).splitlines()[-1] == "(1 more column: column_9)"

    def test_a_column_named_currency_is_just_a_column(self) -> None:
        text = table_text(Table({"currency": ["EUR"], "amount": [100]}))
        assert text.splitlines()[0] == "Table: 1 row x 2 columns"
        assert text.splitlines()[2] == "0  EUR          100"


class TestPopulationText:
    def test_money_in_major_units_with_currency(self) -> None:
        text = table_text(population(total_spend=np.array([109505730, -5], dtype=np.int64)))
        lines = text.splitlines()
        assert lines[0] == "Population: 2 rows x 2 columns, as of 2024-12-31, money in EUR"
        assert lines[2:] == [
            "0  ann       1,095,057.30 EUR",
            "1  bob              -0.05 EUR",
        ]

    def test_currency_without_minor_units(self) -> None:
        pop = Population(
            {"customer": [1], "spend_90d": np.array([1000], dtype=np.int64)},
            as_of=dt.date(2024, 1, 1),
            currency=Currency("JPY"),
        )
        assert table_text(pop).splitlines()[2] == "0         1  1,000 JPY"

    def test_missing_signals_print_as_na(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": "ann", "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
                {"customer": "bob", "date": "2024-03-10", "kind": "visit"},
            ]
        )
        pop = log.population("2024-07-01")
        text = table_text(pop)
        # customer and every standard signal
        columns = 1 + len(SIGNALS)
        assert text.startswith(
            f"Population: 2 rows x {columns} columns, as of 2024-07-01, money in EUR"
        )
        ann, bob = text.splitlines()[2:4]
        assert "2024-01-05" in ann
        assert bob.split()[:3] == ["1", "bob", "NA"]
        assert "NaT" not in bob

    def test_population_repr(self) -> None:
        pop = population(total_spend=np.array([100, 250], dtype=np.int64))
        assert "2.50 EUR" in repr(pop)


class TestTableHtml:
    def test_is_the_notebook_display(self) -> None:
        t = Table({"a": [1]})
        assert t._repr_html_() == table_html(t)

    def test_escapes_and_aligns(self) -> None:
        text = table_html(Table({"a&b": [1], "name": ["<script>"]}))
        assert "<th>a&amp;b</th>" in text
        assert "<td>&lt;script&gt;</td>" in text
        assert '<td style="text-align:right">1</td>' in text
        assert "<script>" not in text

    def test_first_and_last_rows_every_column(self) -> None:
        t = Table({f"c{i}": np.arange(20) for i in range(15)})
        text = table_html(t)
        assert text.count("<tr><th>") == 12  # the header, 10 rows and the gap
        assert "<tr><th>19</th>" in text
        assert "<tr><th>10</th>" not in text
        assert "<th>c14</th>" in text
        assert '<td colspan="15"></td>' in text
        assert "<caption>Table: 20 rows x 15 columns</caption>" in text

    def test_population_money_and_missing(self) -> None:
        pop = population(
            total_spend=np.array([109505730, 0], dtype=np.int64),
            last_purchase=np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"),
        )
        text = table_html(pop)
        assert '<td style="text-align:right">1,095,057.30 EUR</td>' in text
        assert "<td>NA</td>" in text
        assert "as of 2024-12-31, money in EUR" in text


class _WellFormed(HTMLParser):
    """Checks that every opened tag (bar void ones) closes in order."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes {self.open}"
        self.open.pop()


def well_formed(text: str) -> list[str]:
    parser = _WellFormed()
    parser.feed(text)
    parser.close()
    assert parser.open == []
    return parser.tags


def codes() -> StageCodes:
    return StageCodes(
        np.array(["a", "b", "c"]),
        np.array([0, 0, 2], dtype=np.int8),
        ("exploration", "awareness", "expansion"),
    )


def flow() -> StageFlow:
    return StageFlow.from_counts(
        ("a", "b"),
        dt.date(2024, 1, 1),
        dt.date(2024, 4, 1),
        np.array([[1200, 1], [0, 4]]),
        np.array([2, 0]),
    )


def quote() -> Quote:
    policy = PricingPolicy([PercentOff(10, name="spring sale")], max_discount=5)
    return attrs.evolve(policy.quote(Money("80", "EUR"), on="2024-05-01"), customer=7)


def small_model() -> LifecycleModel:
    return LifecycleModel(
        ["trial", "active", "churned"],
        [
            Transition("trial", "active", signal("purchase_count") >= 1, "first order"),
            Transition("active", "churned", signal("cancelled").is_missing(), "cancelled"),
        ],
        attributes=["segment"],
    )


class TestObjectText:
    def test_stage_codes_counts_per_stage(self) -> None:
        assert repr(codes()) == (
            "StageCodes: 3 customers\n  exploration  2\n  awareness    0\n  expansion    1"
        )
        one = StageCodes(np.array([1]), np.array([0], dtype=np.int8), ("a",))
        assert repr(one) == "StageCodes: 1 customer\n  a  1"

    def test_stage_flow_matrix(self) -> None:
        assert repr(flow()) == (
            "StageFlow: 2024-01-01 -> 2024-04-01, 1,207 customers (2 new)\n"
            "from/to      a  b\n"
            "a        1,200  1\n"
            "b            0  4\n"
            "(new)        2  0"
        )

    def test_quote_steps(self) -> None:
        assert repr(quote()) == (
            "Quote: customer 7 on 2024-05-01, 1 x 80 EUR\n"
            "  list price: 80 EUR\n"
            "  spring sale: 80.00 EUR -> 72.00 EUR (met: always)\n"
            "  max_discount: 72.00 EUR -> 76.00 EUR (at most 5% off the list price of 80.00 EUR)\n"
            "  total: 76.00 EUR (5.00% off)"
        )

    def test_model_summary(self) -> None:
        assert repr(small_model()) == (
            "LifecycleModel(3 stages, 2 transitions)\n"
            "  transitions: 2 forward\n"
            "  stages: trial -> active -> churned\n"
            "  initial: trial\n"
            "  dissolution: none\n"
            "  attributes: segment"
        )

    def test_default_model_summary_is_short(self) -> None:
        text = repr(default_lifecycle())
        assert 100 < len(text) < 400
        assert len(text.splitlines()) <= 8
        assert "exploration -> awareness -> expansion -> commitment -> dissolution" in text

    @pytest.mark.parametrize(
        ("condition", "text"),
        [
            (signal("purchase_count") >= 2, "purchase_count >= 2"),
            (
                signal("purchases_90d") > signal("purchases_prev_90d"),
                "purchases_90d > purchases_prev_90d",
            ),
            (signal("tenure_days").between(30, 90), "tenure_days between 30 and 90"),
            (attribute("segment").isin(["gold", "vip"]), "segment in (gold, vip)"),
            (always(), "always"),
            (tenure_at_least(relativedelta(years=2)), "tenure >= 2 years"),
            (
                ((signal("purchase_count") >= 2) | signal("last_survey_score").is_missing())
                & ~(signal("visit_count") > 3),
                "(purchase_count >= 2 or last_survey_score is missing) and not (visit_count > 3)",
            ),
        ],
    )
    def test_condition_str_is_readable_and_repr_constructor_like(
        self, condition: Condition, text: str
    ) -> None:
        assert str(condition) == text
        assert repr(condition).startswith(type(condition).__name__ + "(")

    def test_condition_str_is_what_explain_says(self) -> None:
        log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
        cond = signal("purchase_count").between(2, 5)
        assert cond.explain(log.profile(1, "2024-02-01")).text == str(cond)


class TestObjectHtml:
    def test_stage_codes(self) -> None:
        text = codes()._repr_html_()
        assert well_formed(text).count("tr") == 4
        assert "<caption>StageCodes: 3 customers</caption>" in text
        assert '<tr><th>expansion</th><td style="text-align:right">1</td></tr>' in text

    def test_stage_flow(self) -> None:
        text = flow()._repr_html_()
        assert well_formed(text).count("tr") == 4
        assert '<td style="text-align:right">1,200</td>' in text

    def test_quote(self) -> None:
        text = quote()._repr_html_()
        assert well_formed(text).count("tr") == 5
        assert "80.00 EUR -&gt; 72.00 EUR" in text

    def test_model_is_its_mermaid_diagram_with_the_summary(self) -> None:
        model = small_model()
        text = model._repr_html_()
        assert well_formed(text) == ["pre", "pre"]
        assert text.startswith('<pre class="mermaid">\nstateDiagram-v2\n')
        assert html.unescape(text).count(model.to_mermaid()) == 1
        assert html.escape(repr(model)) in text


class TestNumbers:
    def test_nps_prints_rounded_and_keeps_its_value(self) -> None:
        r = nps([8] * 153 + [3] * 97, ci="wald")
        assert r.score == -38.800000000000004
        text = repr(r)
        assert text.startswith("NPSResult(score=-38.8, standard_error=3.081921, ci=(-44.8")
        assert text.endswith(", promoters=0.0, passives=0.612, detractors=0.388, n=250)")
        assert "00000" not in text

    def test_other_results(self) -> None:
        assert repr(csat([5, 4, 1], (1, 5))) == "CSATResult(score=66.666667, share=0.666667, n=3)"
        assert (
            repr(ces([1, 2, 2], version=1))
            == "CESResult(mean=1.666667, low_effort=1.0, n=3, version=1)"
        )
        assert repr(ipa([4, 2], [2, 4], crosshair=(3, 3))) == "IPAResult(crosshair=(3.0, 3.0))"

    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (-38.800000000000004, "-38.8"),
            (25.0, "25.0"),
            (2 / 3, "0.666667"),
            (float("inf"), "inf"),
        ],
    )
    def test_number(self, value: float, text: str) -> None:
        assert number(value) == text

    def test_plurals(self) -> None:
        assert plural(1, "row") == "1 row"
        assert plural(0, "customer") == "0 customers"
        assert repr(Table({"a": [1]})).startswith("Table: 1 row x 1 column\n")


def test_dir_of_a_profile_lists_its_signals() -> None:
    log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    names = dir(log.profile(1, "2024-02-01").with_attributes(segment="gold"))
    assert {"purchase_count", "days_since_last_purchase", "segment"} <= set(names)
    assert {"with_attributes", "tenure", "as_of"} <= set(names)
    assert names == sorted(names)
