"""Tests of the bundled data sets (lifecycle.datasets)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from lifecycle import EventLog, Money, rfm_summary
from lifecycle.datasets import (
    CDNOW_AS_OF,
    DEMO_AS_OF,
    _make_demo,
    demo_policy,
    load_cdnow,
    load_demo,
)
from lifecycle.money import Currency

DATA = Path(_make_demo.__file__).with_name("data")


class TestLoadCdnow:
    def test_shape(self) -> None:
        log = load_cdnow()
        assert len(log) == 69_659
        assert len(log.customers) == 23_570
        assert log.customers.dtype.kind == "i"
        assert (log.start, log.end) == (CDNOW_AS_OF.replace(year=1997, month=1, day=1), CDNOW_AS_OF)
        assert log.quantity is not None

    def test_total_spend_is_exact(self) -> None:
        # The sum of the dollar_value column of CDNOW_master.txt, in cents.
        raw = gzip.decompress((DATA / "cdnow_master.txt.gz").read_bytes()).decode().split("\n")
        cents = sum(int(line.split()[3].replace(".", "")) for line in raw[1:] if line.strip())
        assert int(load_cdnow().amount_minor.sum()) == cents

    def test_repeat_buyers_of_the_calibration_period(self) -> None:
        # Fader, Hardie and Lee (2005): 39 weeks to 1997-09-30; their sample of 2,357 has 946
        # repeat buyers, about 40%. The full cohort has the same share within a point.
        rfm = rfm_summary(load_cdnow(), as_of="1997-09-30", unit="W")
        share = float((rfm.frequency > 0).mean())
        assert abs(share - 946 / 2357) < 0.01


class TestLoadDemo:
    def test_shape(self) -> None:
        log = load_demo()
        assert log.currency is not None
        assert log.currency.code == "EUR"
        assert len(log.customers) == 3000
        assert log.end == DEMO_AS_OF
        kinds = set(log.kind.tolist())
        assert kinds == {"purchase", "visit", "complaint", "survey", "cancellation", "contact"}
        assert log.category is not None
        assert log.channel is not None
        assert log.score is not None

    def test_bundled_file_is_what_the_generator_writes(self, tmp_path: Path) -> None:
        path = tmp_path / "demo.csv.gz"
        _make_demo.write(path)
        assert path.read_bytes() == (DATA / "demo_events.csv.gz").read_bytes()

    def test_win_backs_exist(self) -> None:
        # Some customers lapse for more than 180 days and then buy again.
        log = load_demo()
        buys = log.kind_mask("purchase")
        code, day = log.code[buys], log.date[buys].astype(np.int64)
        same = code[1:] == code[:-1]
        gaps = np.diff(day)[same]
        assert int((gaps > 180).sum()) >= 50


class TestDemoPolicy:
    AS_OF = "2024-06-30"

    @staticmethod
    def log() -> EventLog:
        buys = {
            "new": ["2024-06-01"],
            "loyal": ["2021-01-15", "2022-03-01", "2023-05-01", "2024-06-01"],
            "lapsed": ["2022-02-01", "2022-05-01"],
        }
        records = [
            {"customer": c, "date": d, "amount": "10", "currency": "EUR"}
            for c, dates in buys.items()
            for d in dates
        ]
        log = EventLog.from_records(records)
        assert isinstance(log, EventLog)
        return log

    def test_rules(self) -> None:
        policy = demo_policy("EUR")
        assert [r.name for r in policy.rules] == [
            "commitment",
            "expansion",
            "two years",
            "regular",
            "win back",
        ]
        assert policy.currency == Currency("EUR")
        assert policy.guards == ("max_discount", "renewal")
        assert policy.attributes() == frozenset({"stage"})

    def test_quotes_by_stage(self) -> None:
        log = self.log()
        policy = demo_policy("EUR")
        customers = ["loyal", "new", "lapsed"]
        stages = ["commitment", "exploration", "dissolution"]
        pop = log.population(self.AS_OF).join({"customer": customers, "stage": stages})
        table = policy.quote_many(pop, 10000)
        totals = dict(zip(table.customer.tolist(), table.total_minor.tolist(), strict=True))
        assert totals == {"loyal": 8550, "new": 10000, "lapsed": 8075}
        for customer, stage in zip(customers, stages, strict=True):
            profile = log.profile(customer, self.AS_OF).with_attributes(stage=stage)
            quote = policy.quote(Money("100.00", "EUR"), customer=profile)
            assert quote.total.to_minor() == totals[customer]

    def test_max_discount_binds(self) -> None:
        dates = [f"20{y}-01-0{m}" for y in (18, 19, 20) for m in (1, 2)]
        log = EventLog.from_records(
            [{"customer": "x", "date": d, "amount": "10", "currency": "EUR"} for d in dates]
        )
        assert isinstance(log, EventLog)
        profile = log.profile("x", self.AS_OF).with_attributes(stage="dissolution")
        quote = demo_policy("JPY").quote(Money("1000", "JPY"), customer=profile)
        # 15% win back, 5% two years, 3% regular: 777 before the 20% guard
        assert quote.total == Money("800", "JPY")
        assert quote.bound == ("max_discount",)
