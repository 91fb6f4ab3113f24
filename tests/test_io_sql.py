"""``lifecycle.io.to_sql``: logs and result tables into SQL, and back through ``read_sql``.

Random logs (``conformance.strategies``) go into SQLite and, when installed, DuckDB, and come
back equal: money as integer minor units beside the currency, dates as dates, unknown
amounts, missing labels and scores as NULL, every kind by name. Values only ever travel as
parameters: a recording connection checks the statements of every placeholder style.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from conformance.strategies import log_and_as_of
from lifecycle import EventLog, io
from lifecycle.errors import SchemaError, ValidationError
from lifecycle.money import Currency
from lifecycle.table import Table
from test_io_roundtrip import assert_same_log, assert_same_population, loaded, own

EXAMPLES = settings(max_examples=20, deadline=None)


def sample_log() -> EventLog:
    return EventLog.from_records(
        [
            {"customer": "ann", "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
            {"customer": "ann", "date": "2024-02-05", "kind": "gift", "category": "books"},
            {"customer": "bob", "date": "2024-03-01", "kind": "survey", "score": 9},
        ],
        kinds=["gift"],
    )


class TestRoundTrip:
    @EXAMPLES
    @given(log_and_as_of())
    def test_sqlite(self, case: tuple[EventLog, dt.date]) -> None:
        log, as_of = case
        db = sqlite3.connect(":memory:")
        assert io.to_sql(log, db, "events", batch_size=5) == len(log)
        copy = loaded(
            io.read_sql(db, "SELECT * FROM events", attributes=list(log.attributes), kinds=own(log))
        )
        assert_same_log(copy, log)
        assert_same_population(copy, log, as_of)

    @EXAMPLES
    @given(log_and_as_of())
    def test_duckdb(self, case: tuple[EventLog, dt.date]) -> None:
        duckdb = pytest.importorskip("duckdb")
        log, as_of = case
        db = duckdb.connect()
        log.to_sql(db, "events", batch_size=50)
        copy = loaded(
            io.read_sql(db, "SELECT * FROM events", attributes=list(log.attributes), kinds=own(log))
        )
        assert_same_log(copy, log)
        assert_same_population(copy, log, as_of)
        types = dict(
            db.execute("SELECT column_name, column_type FROM (DESCRIBE events)").fetchall()
        )
        assert types["date"] == "DATE"
        if log.currency is not None:
            assert types["amount_minor"] == "BIGINT"

    def test_columns_and_nulls(self) -> None:
        db = sqlite3.connect(":memory:")
        sample_log().to_sql(db, "events")
        rows = db.execute("SELECT * FROM events").fetchall()
        assert [d[0] for d in db.execute("SELECT * FROM events").description] == [
            "customer", "date", "kind", "amount_minor", "currency", "category", "score",
        ]  # fmt: skip
        assert rows == [
            ("ann", "2024-01-05", "purchase", 2500, "EUR", None, None),
            ("ann", "2024-02-05", "gift", None, "EUR", "books", None),
            ("bob", "2024-03-01", "survey", None, "EUR", None, 9.0),
        ]
        declared = {r[1]: r[2] for r in db.execute("PRAGMA table_info(events)")}
        assert declared["date"] == "DATE"
        assert declared["amount_minor"] == "BIGINT"


class TestTables:
    def test_population_money_is_minor_units_with_nulls_and_a_currency(self) -> None:
        log = EventLog.from_records(
            [
                {"customer": 1, "date": "2024-01-05", "amount": "25.00", "currency": "EUR"},
                {"customer": 2, "date": "2024-02-01", "kind": "visit"},
            ]
        )
        pop = log.population("2024-03-01")
        db = sqlite3.connect(":memory:")
        pop.to_sql(db, "customers")
        got = db.execute(
            "SELECT customer, total_spend, average_order_value, last_purchase, currency "
            "FROM customers"
        ).fetchall()
        assert got == [(1, 2500, 2500, "2024-01-05", "EUR"), (2, 0, None, None, "EUR")]

    def test_plain_table_of_every_type(self) -> None:
        table = Table(
            {
                "n": np.array([1, 2]),
                "x": np.array([0.5, np.nan]),
                "ok": np.array([True, False]),
                "day": np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"),
                "text": np.array(["a", "b"]),
                "maybe": np.array(["a", None], dtype=object),
                "when": np.array([dt.date(2024, 1, 2), None], dtype=object),
            }
        )
        db = sqlite3.connect(":memory:")
        io.to_sql(table, db, "t")
        assert db.execute("SELECT * FROM t").fetchall() == [
            (1, 0.5, 1, "2024-01-01", "a", "a", "2024-01-02"),
            (2, None, 0, None, "b", None, None),
        ]

    @pytest.mark.parametrize(
        ("values", "message"),
        [
            (np.array([dt.timedelta(1)], dtype=object), r"column 'c' cannot be written to SQL"),
            (np.array([1, "a"], dtype=object), r"column 'c' cannot be written to SQL"),
            (np.array([2**64 - 1], dtype=np.uint64), r"column 'c' has integers beyond BIGINT"),
        ],
    )
    def test_columns_sql_cannot_hold_exactly(self, values: Any, message: str) -> None:
        with pytest.raises(SchemaError, match=message):
            io.to_sql(Table({"c": values}), sqlite3.connect(":memory:"), "t")

    def test_not_a_table(self) -> None:
        with pytest.raises(ValidationError, match=r"to_sql writes an EventLog or a Table"):
            io.to_sql({"a": [1]}, sqlite3.connect(":memory:"), "t")  # type: ignore[arg-type]


class TestIfExists:
    def test_fail_append_replace(self) -> None:
        db = sqlite3.connect(":memory:")
        log = sample_log()
        io.to_sql(log, db, "events")
        with pytest.raises(SchemaError, match=r"cannot create table 'events': .*pass 'append'"):
            io.to_sql(log, db, "events")
        io.to_sql(log, db, "events", if_exists="append")
        assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (6,)
        io.to_sql(log, db, "events", if_exists="replace")
        assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (3,)

    def test_a_failed_append_is_rolled_back(self) -> None:
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE events (customer TEXT)")
        db.commit()
        with pytest.raises(sqlite3.OperationalError):
            io.to_sql(sample_log(), db, "events", if_exists="append")
        assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)


class TestArguments:
    @pytest.mark.parametrize(
        "table", ["events; DROP TABLE x", "a.b.c", "", "1events", 'ev"ents', "ev ents", None]
    )
    def test_table_names_are_checked(self, table: Any) -> None:
        with pytest.raises(SchemaError, match=r"'table' must be a name or schema.name"):
            io.to_sql(sample_log(), sqlite3.connect(":memory:"), table)

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            ({"if_exists": "overwrite"}, r"'if_exists' must be one of 'fail', 'append'"),
            ({"batch_size": 0}, r"'batch_size' must be a positive int \(got 0\)"),
            ({"batch_size": True}, r"'batch_size' must be a positive int"),
            ({"paramstyle": "dollar"}, r"'paramstyle' must be one of qmark, numeric"),
        ],
    )
    def test_bad_options(self, options: dict[str, Any], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            io.to_sql(sample_log(), sqlite3.connect(":memory:"), "events", **options)

    def test_connection_without_a_paramstyle(self) -> None:
        with pytest.raises(ValidationError, match=r"pass the driver's placeholder style"):
            io.to_sql(sample_log(), Recording(), "events")

    def test_attribute_named_as_a_field(self) -> None:
        log = EventLog.from_records(
            [{"customer": 1, "date": "2024-01-01", "amount_minor": 5}], attributes=["amount_minor"]
        )
        with pytest.raises(SchemaError, match=r"attribute 'amount_minor' has the name of"):
            io.to_sql(log, sqlite3.connect(":memory:"), "events")

    def test_currency_a_reader_cannot_find_by_its_code(self) -> None:
        log = EventLog.from_arrays(
            customer=[1], date=["2024-01-01"], amount_minor=[5], currency=Currency("XTS", 2)
        )
        with pytest.raises(ValidationError, match=r"XTS with 2 minor units is not an ISO 4217"):
            io.to_sql(log, sqlite3.connect(":memory:"), "events")


class Recording:
    """A DB-API connection that records what it is asked to run."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.committed = False

    def cursor(self) -> Recording:
        return self

    def execute(self, sql: str, params: Any = None) -> None:
        self.statements.append((sql, params))

    def executemany(self, sql: str, rows: Any) -> None:
        self.statements.append((sql, list(rows)))

    def close(self) -> None:
        pass

    def commit(self) -> None:
        self.committed = True


@pytest.mark.parametrize(
    ("style", "marks", "row"),
    [
        ("qmark", "?, ?, ?", (1, "2024-01-01", "purchase")),
        ("numeric", ":1, :2, :3", (1, "2024-01-01", "purchase")),
        ("format", "%s, %s, %s", (1, "2024-01-01", "purchase")),
        ("named", ":c0, :c1, :c2", {"c0": 1, "c1": "2024-01-01", "c2": "purchase"}),
        ("pyformat", "%(c0)s, %(c1)s, %(c2)s", {"c0": 1, "c1": "2024-01-01", "c2": "purchase"}),
    ],
)
def test_values_travel_only_as_parameters(style: str, marks: str, row: Any) -> None:
    db = Recording()
    log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    io.to_sql(log, db, "main.events", paramstyle=style)
    create, insert = db.statements
    assert create == (
        'CREATE TABLE "main"."events" ("customer" BIGINT, "date" DATE, "kind" TEXT)',
        None,
    )
    assert insert == (
        f'INSERT INTO "main"."events" ("customer", "date", "kind") VALUES ({marks})',
        [row],
    )
    assert db.committed


def test_column_names_are_quoted() -> None:
    db = sqlite3.connect(":memory:")
    io.to_sql(Table({'odd "name"; --': [1]}), db, "t")
    assert db.execute('SELECT "odd ""name""; --" FROM t').fetchall() == [(1,)]
