"""Oracle: the CDNOW sample summary of Fader, Hardie and Lee (2005).

Source: P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "'Counting your customers' the
easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284, and
"RFM and CLV: using iso-value curves for customer base analysis", Journal of Marketing
Research 42(4), 415-430. Their CDNOW data set (the 23,570 customers who first bought in the
first quarter of 1997, followed to the end of June 1998) and the summary of its 1/10 sample
over the 39-week calibration period 1997-01-01 .. 1997-09-30 are in ``../shared/data/cdnow``
beside the repository: ``cdnow_customers_summary.csv`` (frequency, recency and T in weeks)
and ``cdnow_customers_summary_with_transactions.csv`` (the same plus ``zbar``, the mean
dollar value of the repeat purchases). Purchases on the same day count as one transaction.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest

from lifecycle import EventLog, Table, rfm_summary

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "cdnow"
CALIBRATION_END = "1997-09-30"
SAMPLE_CUSTOMERS = 2357


def data_file(name: str) -> Path:
    path = DATA / name
    # Fail, never skip: this oracle is part of the definition of done.
    assert path.is_file(), (
        f"CDNOW oracle data missing: {path} does not exist. The CDNOW files must be in "
        f"{DATA} (../shared/data/cdnow beside the repository)."
    )
    return path


def read_csv(name: str) -> list[dict[str, str]]:
    with data_file(name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def cents(value: str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def two_decimals(value: float) -> Decimal:
    """A float as printed to 2 decimals (the published files' precision)."""
    return Decimal(f"{value:.2f}")


@pytest.fixture(scope="module")
def summary() -> Table:
    log = EventLog.from_csv(
        data_file("CDNOW_sample.txt"),
        header=False,
        delimiter=None,
        columns={"customer": 1, "date": 2, "quantity": 3, "amount": 4},
        date_format="%Y%m%d",
        currency="USD",
    )
    assert isinstance(log, EventLog)
    assert len(log) == 6919
    return rfm_summary(log, as_of=CALIBRATION_END, unit="W")


def test_every_sample_customer_is_summarised(summary: Table) -> None:
    assert len(summary) == SAMPLE_CUSTOMERS
    ids = [int(c) for c in summary.customer.tolist()]
    assert ids == list(range(1, SAMPLE_CUSTOMERS + 1))


def test_frequency_recency_t(summary: Table) -> None:
    published = read_csv("cdnow_customers_summary.csv")
    assert len(published) == SAMPLE_CUSTOMERS
    mismatches = []
    for i, row in enumerate(published):
        assert int(row["ID"]) == int(summary.customer[i])
        ours = (
            int(summary.frequency[i]),
            two_decimals(summary.recency[i]),
            two_decimals(summary["T"][i]),
        )
        theirs = (int(row["frequency"]), cents(row["recency"]), cents(row["T"]))
        if ours != theirs:
            mismatches.append((row["ID"], ours, theirs))
    assert mismatches == []
    # Totals quoted with the data: 946 repeat buyers, 2,357 customers.
    assert int((summary.frequency > 0).sum()) == 946


def test_zbar(summary: Table) -> None:
    published = read_csv("cdnow_customers_summary_with_transactions.csv")
    assert len(published) == SAMPLE_CUSTOMERS
    mismatches = []
    for i, row in enumerate(published):
        assert int(row["ID"]) == int(summary.customer[i])
        frequency = int(summary.frequency[i])
        assert frequency == int(row["x"])
        assert two_decimals(summary.recency[i]) == cents(row["t_x"])
        assert two_decimals(summary["T"][i]) == cents(row["T"])
        # The published zbar is the exact mean in cents rounded half-up (22.345 -> 22.35):
        # recover our exact repeat spend in cents, then round the same way.
        value = float(summary.monetary_value[i])
        spend_cents = round(value * frequency * 100)
        assert abs(value * frequency * 100 - spend_cents) < 1e-6
        exact = Decimal(spend_cents) / (100 * frequency) if frequency else Decimal(0)
        ours = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if ours != cents(row["zbar"]):
            mismatches.append((row["ID"], ours, row["zbar"]))
    assert mismatches == []


def test_master_file_counts() -> None:
    log = EventLog.from_csv(
        data_file("CDNOW_master.txt"),
        header=True,
        delimiter=None,
        columns={
            "customer": "customer_id",
            "date": "date",
            "quantity": "number_of_cds",
            "amount": "dollar_value",
        },
        date_format="%Y%m%d",
        currency="USD",
    )
    assert isinstance(log, EventLog)
    assert len(log) == 69_659
    assert len(log.customers) == 23_570
    assert int(log.kind_mask("purchase").sum()) == 69_659
    assert log.start is not None
    assert log.end is not None
    assert (log.start.isoformat(), log.end.isoformat()) == ("1997-01-01", "1998-06-30")
    # Everyone in the cohort first bought in the first quarter of 1997.
    rfm = rfm_summary(log, as_of="1998-06-30")
    first = np.datetime64("1998-06-30") - (rfm["T"]).astype("timedelta64[D]")
    assert (first <= np.datetime64("1997-03-31")).all()
    assert len(rfm) == 23_570
