"""Tests of the bundled data sets (lifecycle.datasets)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from lifecycle import rfm_summary
from lifecycle.datasets import CDNOW_AS_OF, DEMO_AS_OF, _make_demo, load_cdnow, load_demo

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
