"""lifecycle.dask on a two-worker LocalCluster: every job equals the in-memory engine.

Marked ``dask`` and ``slow``: ``make test-dask`` installs the extra and runs them; ``make
test`` leaves them out.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lifecycle import EventLog, signal
from lifecycle import rfm_summary as rfm_in_memory
from lifecycle.datasets import DEMO_AS_OF, load_demo
from lifecycle.errors import MissingDependencyError, ValidationError
from lifecycle.events import STANDARD_KINDS
from lifecycle.followup import Action, After, ContactLimits, Every, FollowUpPlan, OnStageChange
from lifecycle.models import BetaGeoModel, ModifiedBetaGeoModel
from lifecycle.pricing import PercentOff, PricingPolicy
from lifecycle.retention import DefectionSignal, detect
from lifecycle.signals import count
from lifecycle.stages import StageCodes, default_lifecycle
from lifecycle.table import Table

pytestmark = [
    pytest.mark.dask,
    pytest.mark.slow,
    # dask's Parquet reader still calls set_index(inplace=True), which pandas 3.1 deprecates.
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.set_index"),
]

dd = pytest.importorskip("dask.dataframe", reason="the dask extra: make test-dask")
distributed = pytest.importorskip("distributed", reason="the dask extra: make test-dask")

import lifecycle.dask as ld  # noqa: E402  (after the skip: it needs the extra)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def demo() -> EventLog:
    return load_demo()


def _events(log: EventLog, npartitions: int = 3, **options: Any) -> ld.DaskEvents:
    frame = dd.from_pandas(log.to_pandas(), npartitions=npartitions, sort=False)
    return ld.read_events(
        frame,
        currency=log.currency,
        kinds=log.kinds[len(STANDARD_KINDS) :],
        score_scale=(0, 10),
        **options,
    )


@pytest.fixture(scope="module")
def shuffled(client: Any, demo: EventLog) -> ld.DaskEvents:
    events = _events(demo)
    assert events.shuffled
    return events.persist()


def assert_same_table(ours: Any, theirs: Any) -> None:
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)
    for name in theirs:
        a, b = np.asarray(ours[name]), np.asarray(theirs[name])
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            np.testing.assert_array_equal(a, b, err_msg=name)
        else:
            assert a.tolist() == b.tolist(), name


def assert_same_population(ours: Any, theirs: Any) -> None:
    assert_same_table(ours, theirs)
    assert ours.as_of == theirs.as_of
    assert ours.currency == theirs.currency
    for name in theirs:
        if name == "customer":
            continue
        assert ours.kind_of(name) == theirs.kind_of(name), name
        assert ours.is_missing(name).tolist() == theirs.is_missing(name).tolist(), name


# ---------------------------------------------------------------- the demo log


class TestDemo:
    @pytest.mark.parametrize("unit", ["D", "W"])
    def test_rfm_summary(self, shuffled: ld.DaskEvents, demo: EventLog, unit: str) -> None:
        ours = ld.rfm_summary(shuffled, DEMO_AS_OF, unit=unit)
        assert_same_table(ours, rfm_in_memory(demo, DEMO_AS_OF, unit=unit))

    def test_rfm_summary_finds_the_last_day_itself(
        self, shuffled: ld.DaskEvents, demo: EventLog
    ) -> None:
        assert_same_table(ld.rfm_summary(shuffled), rfm_in_memory(demo))

    def test_population(self, shuffled: ld.DaskEvents, demo: EventLog) -> None:
        visits = ld.population(shuffled, "2024-06-30")
        assert_same_population(visits, demo.population("2024-06-30"))

    def test_population_with_defined_signals_and_a_join(
        self, shuffled: ld.DaskEvents, demo: EventLog
    ) -> None:
        from lifecycle import define_signal

        visits = define_signal("recent_visits", count("visit", "90D"))
        tiers = {"customer": demo.customers[::7], "tier": np.arange(len(demo.customers[::7]))}
        ours = ld.population(shuffled, DEMO_AS_OF, signals=[visits], join=tiers)
        theirs = demo.population(DEMO_AS_OF).with_signals(visits).join(tiers)
        assert_same_population(ours, theirs)

    def test_a_join_of_other_ids_raises(self, shuffled: ld.DaskEvents) -> None:
        with pytest.raises(ValidationError, match="no 'customer' of the join table"):
            ld.population(shuffled, DEMO_AS_OF, join={"customer": ["x"], "tier": [1]})

    def test_classify(self, shuffled: ld.DaskEvents, demo: EventLog) -> None:
        model = default_lifecycle()
        ours = ld.classify(model, shuffled, DEMO_AS_OF)
        theirs = model.classify(demo.population(DEMO_AS_OF))
        assert isinstance(ours, StageCodes)
        assert ours.labels == theirs.labels
        assert ours.customer.tolist() == theirs.customer.tolist()
        assert ours.code.tolist() == theirs.code.tolist()

    def test_quote_many(self, shuffled: ld.DaskEvents, demo: EventLog) -> None:
        policy = PricingPolicy(
            [
                PercentOff(10, when=signal("purchase_count") >= 3, name="regular"),
                PercentOff(5, when=signal("days_since_last_purchase") > 120, name="come back"),
            ]
        )
        ours = ld.quote_many(policy, shuffled, DEMO_AS_OF, 1999, 2)
        assert_same_table(ours, policy.quote_many(demo.population(DEMO_AS_OF), 1999, 2))

    def test_quote_many_takes_one_price_for_all(self, shuffled: ld.DaskEvents) -> None:
        with pytest.raises(ValidationError, match="'base_price' must be one whole number"):
            ld.quote_many(PricingPolicy([]), shuffled, DEMO_AS_OF, [1, 2])  # type: ignore[arg-type]

    def test_detect(self, shuffled: ld.DaskEvents, demo: EventLog) -> None:
        ours = ld.detect(shuffled, DEMO_AS_OF)
        assert_same_table(ours, detect(demo.population(DEMO_AS_OF)))
        quiet = [DefectionSignal("quiet", signal("days_since_last_purchase") > 200, 1.5, "q")]
        assert_same_table(
            ld.detect(shuffled, DEMO_AS_OF, quiet, min_score=1.0),
            detect(demo.population(DEMO_AS_OF), quiet, min_score=1.0),
        )

    def test_due(self, shuffled: ld.DaskEvents, demo: EventLog) -> None:
        plan = FollowUpPlan(
            [
                After("purchase", "2D", Action("thank_you_call", "phone")),
                Every("monthly", Action("survey", "email"), interval=3),
                After("complaint", "1D", Action("complaint_follow_up", "phone")),
            ],
            limits=ContactLimits(per_week=1, min_gap=2),
        )
        for day in ("2025-06-02", "2025-06-30"):
            theirs = plan.due(demo, day)
            assert len(theirs)
            assert_same_table(ld.due(plan, shuffled, day), theirs)

    def test_due_refuses_stage_change_rules(self, shuffled: ld.DaskEvents) -> None:
        plan = FollowUpPlan([OnStageChange("dissolution", Action("win_back", "phone"))])
        with pytest.raises(ValidationError, match="read a stage timeline"):
            ld.due(plan, shuffled, DEMO_AS_OF)

    @pytest.mark.parametrize("model", [BetaGeoModel(unit="W"), ModifiedBetaGeoModel(unit="W")])
    def test_fit(self, shuffled: ld.DaskEvents, demo: EventLog, model: Any) -> None:
        ours = ld.fit(type(model)(unit="W"), shuffled, DEMO_AS_OF)
        theirs = type(model)(unit="W").fit(rfm_in_memory(demo, DEMO_AS_OF, unit="W"))
        assert ours.params_ == theirs.params_
        assert ours.n_customers_ == theirs.n_customers_ == len(demo.customers)

    def test_compress_counts_every_customer(self, shuffled: ld.DaskEvents, demo: EventLog) -> None:
        counts = ld.compress(shuffled, DEMO_AS_OF)
        assert int(counts.customers.sum()) == len(rfm_in_memory(demo, DEMO_AS_OF))
        assert len(np.unique(np.stack([counts.frequency, counts.recency, counts.T]), axis=1)) == 3

    def test_fit_takes_a_transaction_model(self, shuffled: ld.DaskEvents) -> None:
        with pytest.raises(ValidationError, match="takes a BetaGeoModel"):
            ld.fit("bgnbd", shuffled, DEMO_AS_OF)  # type: ignore[type-var]


class TestPartitioning:
    def test_sorted_by_customer_needs_no_shuffle(self, client: Any, demo: EventLog) -> None:
        frame = dd.from_pandas(demo.to_pandas().set_index("customer"), npartitions=4)
        events = ld.read_events(
            frame, currency="EUR", kinds=demo.kinds[len(STANDARD_KINDS) :], score_scale=(0, 10)
        )
        assert not events.shuffled
        assert_same_table(ld.rfm_summary(events, DEMO_AS_OF), rfm_in_memory(demo, DEMO_AS_OF))

    def test_parquet_glob(self, client: Any, demo: EventLog, tmp_path: Path) -> None:
        frame = demo.to_pandas()
        # Three files that split customers between them: read_events must shuffle.
        for i, rows in enumerate(np.array_split(np.arange(len(frame)), 3)):
            frame.iloc[rows].to_parquet(tmp_path / f"part-{i}.parquet")
        events = ld.read_events(
            str(tmp_path / "*.parquet"),
            currency="EUR",
            kinds=demo.kinds[len(STANDARD_KINDS) :],
            score_scale=(0, 10),
        )
        assert_same_table(ld.rfm_summary(events, DEMO_AS_OF), rfm_in_memory(demo, DEMO_AS_OF))

    def test_divisions_that_split_a_customer_are_caught(
        self, client: Any, demo: EventLog, tmp_path: Path
    ) -> None:
        frame = demo.to_pandas().sort_values("customer", kind="stable")
        for i, rows in enumerate(np.array_split(np.arange(len(frame)), 3)):
            frame.iloc[rows].to_parquet(tmp_path / f"part-{i}.parquet")
        kinds = demo.kinds[len(STANDARD_KINDS) :]
        # Sorted files whose boundaries fall inside a customer: the statistics give
        # divisions, but they do not keep customers whole.
        trusted = dd.read_parquet(tmp_path, index="customer", calculate_divisions=True)
        assert trusted.known_divisions
        events = ld.read_events(trusted, currency="EUR", kinds=kinds, score_scale=(0, 10))
        with pytest.raises(ValidationError, match="is in more than one partition"):
            ld.rfm_summary(events, DEMO_AS_OF)
        # Given the path, read_events checks the files and shuffles.
        events = ld.read_events(tmp_path, currency="EUR", kinds=kinds, score_scale=(0, 10))
        assert events.shuffled
        assert_same_table(ld.rfm_summary(events, DEMO_AS_OF), rfm_in_memory(demo, DEMO_AS_OF))

    def test_parquet_sorted_by_customer_is_read_by_index(
        self, client: Any, demo: EventLog, tmp_path: Path
    ) -> None:
        frame = demo.to_pandas()
        customers = np.array_split(demo.customers, 3)
        for i, ids in enumerate(customers):
            frame[frame.customer.isin(ids)].to_parquet(tmp_path / f"part-{i}.parquet")
        events = ld.read_events(
            tmp_path, currency="EUR", kinds=demo.kinds[len(STANDARD_KINDS) :], score_scale=(0, 10)
        )
        assert not events.shuffled
        assert_same_table(ld.rfm_summary(events, DEMO_AS_OF), rfm_in_memory(demo, DEMO_AS_OF))


# ---------------------------------------------------------------- errors


class TestErrors:
    def test_a_bad_row_raises_naming_its_partition(self, client: Any) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"customer": [1, 2], "date": ["2024-01-05", "2024-13-01"]})
        events = ld.read_events(dd.from_pandas(frame, npartitions=1))
        with pytest.raises(ValidationError, match=r"partition 0: row 1: 'date'"):
            ld.rfm_summary(events, "2024-02-01")

    def test_collect_uses_the_good_rows_and_lists_the_others(self, client: Any) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"customer": [1, 2, 3], "date": ["2024-01-05", "soon", "2024-01-09"]})
        events = ld.read_events(dd.from_pandas(frame, npartitions=2), errors="collect")
        assert ld.rfm_summary(events, "2024-02-01").customer.tolist() == [1, 3]
        rejected = events.rejected()
        assert rejected.column.tolist() == ["date"]
        assert rejected.value.tolist() == ["soon"]

    def test_columns_arrow_cannot_type_go_to_the_pandas_loader(self, client: Any) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(
            {
                "customer": [1, 2],
                "date": ["2024-01-05", "2024-01-06"],
                "amount": ["10.00", Decimal("5.00")],  # mixed objects: no Arrow type
            }
        )
        events = ld.read_events(dd.from_pandas(frame, npartitions=1), currency="EUR")
        assert events.compute().amount_minor.tolist() == [1000, 500]

    def test_unknown_kinds_are_refused_as_in_memory(self, client: Any) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"customer": [1], "date": ["2024-01-05"], "kind": ["purchse"]})
        with pytest.raises(ValidationError, match="did you mean 'purchase'"):
            ld.rfm_summary(ld.read_events(dd.from_pandas(frame, npartitions=1)), "2024-02-01")

    def test_bad_arguments(self, client: Any) -> None:
        pd = pytest.importorskip("pandas")
        frame = dd.from_pandas(pd.DataFrame({"id": [1], "date": ["2024-01-05"]}), npartitions=1)
        with pytest.raises(ValidationError, match="no customer column 'customer'"):
            ld.read_events(frame)
        with pytest.raises(ValidationError, match="'source' must be a dask DataFrame"):
            ld.read_events([1, 2])
        with pytest.raises(ValidationError, match="'errors' must be"):
            ld.read_events(frame, {"customer": "id"}, errors="skip")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="'npartitions' must be"):
            ld.read_events(frame, {"customer": "id"}, npartitions=0)

    def test_nobody_by_as_of(self, client: Any) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"customer": [1], "date": ["2024-01-05"]})
        events = ld.read_events(dd.from_pandas(frame, npartitions=1))
        with pytest.raises(ValidationError, match="cannot classify an empty population"):
            ld.classify(default_lifecycle(), events, "2023-01-01")
        with pytest.raises(ValidationError, match="no customer has an event by 2023-01-01"):
            ld.population(events, "2023-01-01")

    def test_missing_extra_names_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setitem(sys.modules, "dask.dataframe", None)
        with pytest.raises(MissingDependencyError, match=r"customer-lifecycle\[dask\]"):
            ld.read_events("events.parquet")


# ---------------------------------------------------------------- random small logs

_records = st.lists(
    st.fixed_dictionaries(
        {
            "customer": st.integers(1, 12),
            "date": st.dates(dt.date(2024, 1, 1), dt.date(2024, 6, 30)).map(str),
            "kind": st.sampled_from(["purchase", "purchase", "visit"]),
            "amount": st.one_of(st.none(), st.integers(0, 5000).map(lambda c: f"{c / 100:.2f}")),
            "currency": st.just("EUR"),
        }
    ),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=_records, npartitions=st.integers(1, 3))
def test_random_logs_agree(client: Any, records: list[dict[str, Any]], npartitions: int) -> None:
    log = EventLog.from_records(records)
    events = _events(log, npartitions=npartitions)
    on = dt.date(2024, 7, 1)
    in_memory = rfm_in_memory(log, on)
    ours = ld.rfm_summary(events, on)
    assert_same_table(ours, in_memory) if len(in_memory) else None
    assert_same_population(ld.population(events, on), log.population(on))
    assert_same_table(ld.detect(events, on), detect(log.population(on)))
    assert isinstance(ours, Table)
    model = default_lifecycle()
    assert ld.classify(model, events, on).code.tolist() == (
        model.classify(log.population(on)).code.tolist()
    )
    policy = PricingPolicy([PercentOff(10, when=signal("purchase_count") >= 2)])
    assert_same_table(
        ld.quote_many(policy, events, on, 999, 3), policy.quote_many(log.population(on), 999, 3)
    )
    plan = FollowUpPlan(
        [After("purchase", "2D", Action("call", "phone"))], limits=ContactLimits(min_gap=3)
    )
    for day in ("2024-03-03", "2024-05-10"):
        assert_same_table(ld.due(plan, events, day), plan.due(log, day))
