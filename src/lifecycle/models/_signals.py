"""A fitted transaction model's predictions as signals for rules, in both engines.

:func:`model_signals` gives a :class:`~lifecycle.table.Table` (``customer``, ``p_alive``,
``expected_purchases_90d`` and, with a spend model, ``expected_value_365d``) that
``population.join(...)`` adds to a :class:`~lifecycle.signals.Population`;
:func:`profile_signals` gives the same values for one customer's
:class:`~lifecycle.signals.Profile`. Conditions then use them like any attribute:
``attribute("p_alive") < 0.3``.

Both engines share the model's formulas; they differ only in how (frequency, recency, T) is
found: ``rfm_summary`` over the log for the batch, the customer's own purchase days for one
customer (same rules: purchases on one day are one transaction). Times are in days divided
by the model's unit (``"M"`` is 365.25/12 days); 90 and 365 days are converted the same way.
``expected_value_365d`` is in major units of the log's currency (a float for rules, not an
amount to book).

:meth:`TransactionSignals.signal` gives the same predictions as a defined signal
(:class:`ModelPrediction`, op ``"model_prediction"``): a condition ``signal(model.signal())
< 0.3`` needs no join, and its ``to_dict()`` carries the fitted parameters. Both engines
gather each customer's purchases up to ``as_of`` and summarise them by :func:`rfm_of_rows`,
the rules of :func:`~lifecycle.rfm_summary` in vectorised form.

A model fitted with covariates takes them here as tables keyed by customer
(``purchase_covariates=``, ``dropout_covariates=``: a ``customer`` column and the covariate
columns, any row order); each customer's predictions use their own row, in both engines.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from .._validation import check_choice
from ..errors import NotFittedError, SchemaError, ValidationError
from ..events import EventLog, as_date
from ..rfm import rfm_summary
from ..signals import DEFINITIONS, EventRows, EventScore, NamedSignal, Profile
from ..table import Table
from ._base import FittedModel
from ._data import MAX_HORIZON_YEARS, UNIT_DAYS, _plain, longest_horizon
from ._gammagamma import GammaGammaModel

__all__ = ["ModelPrediction", "model_signals", "profile_signals", "rfm_of_rows"]

F = NDArray[np.float64]
_NO_ROWS = np.zeros(0, dtype=np.intp)


def _answer(
    model: Any,
    question: str,
    horizon: int | None,
    spend_model: Any,
    rfm: Mapping[str, Any],
    m: F,
) -> F:
    """One question of the model for rows of (frequency, recency, T) in its unit.

    The models observe a customer for ``T > 0``: a row whose first purchase is on ``as_of``
    (``T = 0``, not yet observed), or without a purchase (NaN), is missing (NaN), in both
    engines. ``rfm`` may hold the customers' covariates too (a table per process).
    """
    from ._gammagamma import _expected_value

    seen = rfm["T"] > 0
    out = np.full(len(seen), np.nan)
    if not seen.any():
        return out
    part: dict[str, Any] = {
        k: {c: np.asarray(col)[seen] for c, col in v.items()} if isinstance(v, Mapping) else v[seen]
        for k, v in rfm.items()
    }
    if question == "p_alive":
        out[seen] = model.probability_alive(**part)
        return out
    assert horizon is not None
    purchases: F = model.conditional_expected_purchases(
        horizon / UNIT_DAYS[model.params_.unit], **part
    )
    if question == "expected_value":
        spend: F = _expected_value(spend_model.params_, part["frequency"], m[seen])
        purchases = purchases * spend
    out[seen] = purchases
    return out


def _values(
    model: Any, spend_model: Any, x: F, tx: F, t: F, m: F, covariates: Mapping[str, Any]
) -> dict[str, F]:
    rfm = {"frequency": x, "recency": tx, "T": t, **covariates}
    out = {
        "p_alive": _answer(model, "p_alive", None, None, rfm, m),
        "expected_purchases_90d": _answer(model, "expected_purchases", 90, None, rfm, m),
    }
    if spend_model is not None:
        out["expected_value_365d"] = _answer(model, "expected_value", 365, spend_model, rfm, m)
    return out


def _covariate_rows(
    customers: NDArray[Any], purchase_covariates: Any, dropout_covariates: Any
) -> dict[str, dict[str, NDArray[Any]]]:
    """Each process's covariates in the order of ``customers``, as the model questions take."""
    out = {}
    for process, table in (("purchase", purchase_covariates), ("dropout", dropout_covariates)):
        if table is None:
            continue
        name = f"{process}_covariates"
        if not isinstance(table, (Mapping, Table)) or "customer" not in table:
            msg = f"{name!r} must be a table with a 'customer' column and the covariates"
            raise ValidationError(msg)
        known = np.asarray(table["customer"])
        order = np.argsort(known, kind="stable")
        at = np.minimum(np.searchsorted(known[order], customers), len(known) - 1)
        missing = known[order][at] != customers
        if missing.any():
            first = _plain(customers[int(np.argmax(missing))])
            msg = f"{name!r} has no row for customer {first!r} ({int(missing.sum())} missing)"
            raise ValidationError(msg)
        rows = order[at]
        out[name] = {k: np.asarray(v)[rows] for k, v in table.items() if k != "customer"}
    return out


def model_signals(
    model: Any,
    log: EventLog,
    *,
    as_of: dt.date | str,
    spend_model: Any = None,
    purchase_covariates: Any = None,
    dropout_covariates: Any = None,
) -> Table:
    """Every customer's model predictions as of ``as_of``, ready for ``population.join``.

    A customer whose first purchase is on ``as_of`` (``T`` = 0: not yet observed) gets NaN,
    as :meth:`TransactionSignals.signal` gives a missing value.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
    >>> log = EventLog.from_records([
    ...     {"customer": "ann", "date": "2024-01-05"}, {"customer": "ann", "date": "2024-03-01"},
    ...     {"customer": "bob", "date": "2024-02-01"}])
    >>> model = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
    >>> table = model_signals(model, log, as_of="2024-06-30")
    >>> table.columns, table.customer.tolist()
    (('customer', 'p_alive', 'expected_purchases_90d'), ['ann', 'bob'])
    """
    rfm = rfm_summary(log, as_of, unit="D")
    days = UNIT_DAYS[model.params_.unit]
    values = _values(
        model,
        spend_model,
        rfm.frequency.astype(np.float64),
        rfm.recency / days,
        rfm["T"] / days,
        rfm.monetary_value,
        _covariate_rows(rfm.customer, purchase_covariates, dropout_covariates),
    )
    return Table({"customer": rfm.customer, **values})


def profile_signals(
    model: Any,
    log: EventLog,
    customer: object,
    *,
    as_of: dt.date | str,
    spend_model: Any = None,
    purchase_covariates: Any = None,
    dropout_covariates: Any = None,
) -> Profile:
    """One customer's profile with the model's predictions added as attributes.

    Customers without a purchase by ``as_of``, or whose first purchase is on ``as_of`` (``T``
    = 0: not yet observed), get ``None`` (as the batch join gives NaN).

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
    >>> log = EventLog.from_records([
    ...     {"customer": "ann", "date": "2024-01-05"}, {"customer": "ann", "date": "2024-03-01"}])
    >>> model = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
    >>> round(profile_signals(model, log, "ann", as_of="2024-06-30").p_alive, 3)
    0.51
    """
    day = as_date(as_of, "as_of")
    profile = log.profile(customer, as_of=day)
    rows = log.rows_of(customer)
    purchase = log.kinds.index("purchase") if "purchase" in log.kinds else -1
    spend: dict[dt.date, int] = {}
    for date, kind, amount in zip(
        log.date[rows].tolist(),
        log.kind_code[rows].tolist(),
        log.amount_minor[rows].tolist(),
        strict=True,
    ):
        if kind == purchase and date <= day:
            spend[date] = spend.get(date, 0) + amount
    names = ["p_alive", "expected_purchases_90d"]
    if spend_model is not None:
        names.append("expected_value_365d")
    if not spend:
        return profile.with_attributes(**dict.fromkeys(names))
    days_sorted = sorted(spend)
    first, last = days_sorted[0], days_sorted[-1]
    frequency = len(days_sorted) - 1
    factor = log.currency.factor if log.currency is not None else 1
    repeat = sum(spend[d] for d in days_sorted[1:])
    monetary = repeat / frequency / factor if frequency else 0.0
    length = UNIT_DAYS[model.params_.unit]
    values = _values(
        model,
        spend_model,
        np.array([float(frequency)]),
        np.array([(last - first).days / length]),
        np.array([(day - first).days / length]),
        np.array([monetary]),
        _covariate_rows(np.array([customer]), purchase_covariates, dropout_covariates),
    )
    return profile.with_attributes(
        **{name: None if np.isnan(values[name][0]) else float(values[name][0]) for name in names}
    )


def rfm_of_rows(rows: EventRows, unit: str = "D") -> dict[str, F]:
    """Each subject's ``frequency``, ``recency``, ``T`` and ``monetary_value``, as rfm_summary.

    ``rows`` are purchases (see :class:`~lifecycle.signals.EventRows`). The rules are
    :func:`~lifecycle.rfm_summary`'s: purchases on one day are one transaction, times are
    days divided by the unit's length, ``monetary_value`` is the mean spend of the repeat
    days with a known amount (0 without repeat days, NaN when none has an amount). A
    subject without a purchase gets NaN everywhere. Spend is summed in float64 (exact
    below 2**53 minor units).

    Examples
    --------
    >>> rows = EventRows(np.array([0, 0, 0]), np.array([0, 0, 14]), np.array([1000, 500, 3000]),
    ...                  np.ones(3, dtype=bool), np.array([28, 28]), np.array([1, 2]), 100)
    >>> {k: v.tolist() for k, v in rfm_of_rows(rows, "W").items()}
    {'frequency': [1.0, nan], 'recency': [2.0, nan], 'T': [4.0, nan], 'monetary_value': [30.0, nan]}
    """
    subject, day, known = rows.subject, rows.day, rows.known
    n = len(rows.as_of)
    new_day = np.ones(len(day), dtype=bool)
    new_day[1:] = (subject[1:] != subject[:-1]) | (day[1:] != day[:-1])
    days = np.bincount(subject[new_day], minlength=n).astype(np.float64)
    starts = np.flatnonzero(np.r_[True, subject[1:] != subject[:-1]]) if len(day) else _NO_ROWS
    ends = np.r_[starts[1:] - 1, len(day) - 1] if len(day) else _NO_ROWS
    first = np.zeros(n, dtype=np.int64)
    last = np.zeros(n, dtype=np.int64)
    first[subject[starts]] = day[starts]
    last[subject[ends]] = day[ends]
    repeat_row = day != first[subject]
    spend = np.where(repeat_row & known, rows.amount, 0).astype(np.float64)
    repeat_spend = np.bincount(subject, weights=spend, minlength=n)
    # A repeat day is paid when any of its purchases has a known amount.
    day_id = np.cumsum(new_day) - 1
    paid_day = np.zeros(int(new_day.sum()), dtype=bool)
    paid_day[day_id[known]] = True
    paid_days = np.bincount(subject[new_day], weights=paid_day & repeat_row[new_day], minlength=n)
    frequency = days - 1
    monetary = np.zeros(n)
    paid = paid_days > 0
    monetary[(frequency > 0) & ~paid] = np.nan
    monetary[paid] = repeat_spend[paid] / paid_days[paid] / rows.factor
    length = UNIT_DAYS[unit]
    out = {
        "frequency": frequency,
        "recency": (last - first) / length,
        "T": (rows.as_of - first) / length,
        "monetary_value": monetary,
    }
    none = days == 0
    for column in out.values():
        column[none] = np.nan
    return out


#: The predictions a signal names: ``p_alive``, ``expected_purchases_<N>d`` (purchase days
#: in the next N days) and ``expected_value_<N>d`` (their spend, with a spend model).
_NAME = re.compile(r"^(?:p_alive|(expected_purchases|expected_value)_([1-9][0-9]*)d)$")


def _transaction_models() -> dict[str, type[Any]]:
    """The models whose predictions are signals, by their ``to_dict`` schema."""
    from ._bgnbd import BetaGeoModel
    from ._mbgnbd import ModifiedBetaGeoModel
    from ._paretonbd import ParetoNBDModel

    return {cls.schema: cls for cls in (BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel)}


def _model_key(model: object) -> str:
    """A fitted model's parameters as canonical text: what two predictions compare by."""
    # Made before the validators run: a bad model gets no key, and its validator raises.
    if not isinstance(model, FittedModel) or model._result is None:
        return ""
    return json.dumps(model.to_dict(), sort_keys=True)


def _check_model(instance: ModelPrediction, field: object, value: object) -> None:
    if not isinstance(value, TransactionSignals) or not isinstance(value, FittedModel):
        msg = (
            "'model' must be a fitted BetaGeoModel, ModifiedBetaGeoModel or ParetoNBDModel "
            f"(got {type(value).__name__})"
        )
        raise ValidationError(msg)
    if _fit_of("model", value).covariates is not None:
        msg = (
            f"a {type(value).__name__} fitted with covariates cannot be a signal: its "
            "predictions need each customer's covariates (use model.signals(log, as_of=..., "
            "purchase_covariates=..., dropout_covariates=...) and population.join)"
        )
        raise ValidationError(msg)


def _check_question(instance: ModelPrediction, field: attrs.Attribute[str], value: str) -> None:
    check_choice("question", value, ("p_alive", "expected_purchases", "expected_value"))


def _check_spend_model(instance: ModelPrediction, field: object, value: object) -> None:
    if value is not None and not isinstance(value, GammaGammaModel):
        msg = f"'spend_model' must be a fitted GammaGammaModel or None (got {value!r})"
        raise ValidationError(msg)
    if value is not None:
        _fit_of("spend_model", value)


def _fit_of(name: str, model: FittedModel[Any]) -> Any:
    """The model's fit; a model not fitted is a bad value here, not a missing attribute."""
    try:
        return model._fitted()
    except NotFittedError as error:
        msg = f"{name!r} must be fitted or made with from_params: {error}"
        raise ValidationError(msg) from None


@DEFINITIONS.register("model_prediction")
@attrs.frozen(cache_hash=True)
class ModelPrediction(EventScore):
    """A fitted transaction model's prediction for each customer, from their purchases.

    Each customer's (frequency, recency, T) at ``as_of`` in the model's unit, and the mean
    repeat spend, are found from their purchases as :func:`~lifecycle.rfm_summary` finds
    them; ``question`` is ``"p_alive"``, ``"expected_purchases"`` (in the next ``horizon``
    days) or ``"expected_value"`` (their spend by ``spend_model``, in major units). A
    customer without a purchase by ``as_of``, or whose first purchase is on ``as_of``
    (``T`` = 0: not yet observed), is missing. Made by :meth:`TransactionSignals.signal`;
    compared and serialised by the models' ``to_dict()``.

    Examples
    --------
    >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
    >>> bg = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
    >>> p = ModelPrediction(bg, "expected_purchases", 90)
    >>> p.kind, p.to_dict()["op"], p.to_dict()["model"]["params"]["r"]
    ('number', 'model_prediction', 0.24)
    """

    model: Any = attrs.field(validator=_check_model, eq=False, repr=False)
    question: str = attrs.field(validator=_check_question)
    horizon: int | None = None
    spend_model: Any = attrs.field(default=None, validator=_check_spend_model, eq=False, repr=False)
    _key: tuple[str, str] = attrs.field(init=False, repr=False)
    payload_keys: ClassVar[frozenset[str]] = frozenset(
        {"model", "question", "horizon", "spend_model"}
    )

    @_key.default
    def _make_key(self) -> tuple[str, str]:
        return _model_key(self.model), _model_key(self.spend_model)

    def __attrs_post_init__(self) -> None:
        if self.question == "p_alive":
            if self.horizon is not None:
                msg = f"p_alive takes no horizon (got {self.horizon!r})"
                raise ValidationError(msg)
        elif isinstance(self.horizon, bool) or not (
            isinstance(self.horizon, int) and self.horizon > 0
        ):
            msg = f"{self.question} needs a horizon: a whole number of days > 0 (got {self.horizon!r})"
            raise ValidationError(msg)
        elif self.horizon > longest_horizon("D"):
            msg = (
                f"{self.question}'s horizon must be at most {MAX_HORIZON_YEARS:,} years "
                f"({longest_horizon('D'):,.0f} days; got {self.horizon:,})"
            )
            raise ValidationError(msg)
        if (self.question == "expected_value") != (self.spend_model is not None):
            msg = (
                "expected_value needs a spend_model (a fitted GammaGammaModel), and only it "
                f"takes one (question {self.question!r}, spend_model {self.spend_model!r})"
            )
            raise ValidationError(msg)

    @property
    def event(self) -> str:
        return "purchase"

    def score_events(self, rows: EventRows) -> F:
        """The prediction for each subject of ``rows`` (NaN without a purchase).

        Examples
        --------
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
        >>> bg = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
        >>> rows = EventRows(np.array([0, 0]), np.array([0, 4]), np.array([0, 0]),
        ...                  np.ones(2, dtype=bool), np.array([177, 177]), np.array([1, 2]), 1)
        >>> ModelPrediction(bg, "p_alive").score_events(rows).round(3).tolist()
        [0.252, nan]
        """
        rfm = rfm_of_rows(rows, self.model.params_.unit)
        m = rfm.pop("monetary_value")
        return _answer(self.model, self.question, self.horizon, self.spend_model, rfm, m)

    def _payload(self) -> dict[str, Any]:
        spend = None if self.spend_model is None else self.spend_model.to_dict()
        return {
            "op": "model_prediction",
            "model": self.model.to_dict(),
            "question": self.question,
            "horizon": self.horizon,
            "spend_model": spend,
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> ModelPrediction:
        """Rebuild one from its payload: the models' ``to_dict()``, question and horizon.

        Examples
        --------
        >>> from lifecycle.models import ParetoNBDModel, ParetoNBDParams
        >>> pnbd = ParetoNBDModel.from_params(ParetoNBDParams(0.55, 10.6, 0.61, 11.7, unit="W"))
        >>> p = ModelPrediction(pnbd, "p_alive")
        >>> ModelPrediction.from_payload(p.to_dict()) == p
        True
        """
        model, spend = data["model"], data["spend_model"]
        schema = model.get("schema") if isinstance(model, Mapping) else None
        models = _transaction_models()
        if schema not in models:
            msg = (
                f"signal 'model_prediction': 'model' must be the to_dict() of one of "
                f"{', '.join(sorted(models))} (got schema {schema!r})"
            )
            raise SchemaError(msg)
        if spend is not None and not isinstance(spend, Mapping):
            msg = f"signal 'model_prediction': 'spend_model' must be a mapping or null (got {spend!r})"
            raise SchemaError(msg)
        return cls(
            models[schema].from_dict(model),
            data["question"],
            data["horizon"],
            None if spend is None else GammaGammaModel.from_dict(spend),
        )


class TransactionSignals:
    """The ``signal``, ``signals`` and ``profile_signals`` methods of the transaction models."""

    def signal(
        self, name: str = "p_alive", *, spend_model: Any = None, description: str = ""
    ) -> NamedSignal:
        """A prediction of the model as a signal that conditions, stages and rules can use.

        Parameters
        ----------
        name : str, default "p_alive"
            What to predict, and the signal's name: ``"p_alive"``,
            ``"expected_purchases_<N>d"`` (purchase days in the next N days, such as
            ``"expected_purchases_90d"``) or ``"expected_value_<N>d"`` (their spend in major
            units of the log's currency, such as ``"expected_value_365d"``).
        spend_model : GammaGammaModel, optional
            The fitted spend model; ``expected_value_<N>d`` needs one, and only it.
        description : str

        Returns
        -------
        NamedSignal
            Use it as ``signal(model.signal("p_alive")) < 0.3``, in both engines; its
            ``to_dict()`` holds the fitted parameters. Each customer's frequency, recency
            and T are their purchases' at ``as_of``, as ``rfm_summary`` finds them; a
            customer without a purchase, or whose first purchase is on ``as_of``, is missing.

        Raises
        ------
        ValidationError
            An unknown name, a spend model missing or not wanted, or a model fitted with
            covariates (their predictions need each customer's covariates: use
            :meth:`signals` and ``population.join``).

        Examples
        --------
        >>> from lifecycle import EventLog, signal
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
        >>> log = EventLog.from_records([
        ...     {"customer": "ann", "date": "2024-01-05"}, {"customer": "ann", "date": "2024-01-09"},
        ...     {"customer": "bob", "date": "2024-06-01"}, {"customer": "bob", "date": "2024-06-20"}])
        >>> model = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
        >>> dissolving = signal(model.signal("p_alive")) < 0.3
        >>> dissolving.evaluate(log.population("2024-06-30")).tolist()
        [True, False]
        >>> dissolving.evaluate(log.profile("ann", "2024-06-30"))
        True
        >>> model.signal("p_dead")
        Traceback (most recent call last):
        ...
        lifecycle.errors.ValidationError: a model's signal is 'p_alive', 'expected_purchases_<N>d' or 'expected_value_<N>d' with N days, such as 'expected_purchases_90d' (got 'p_dead')
        """
        found = _NAME.match(name) if isinstance(name, str) else None
        if found is None:
            msg = (
                "a model's signal is 'p_alive', 'expected_purchases_<N>d' or "
                "'expected_value_<N>d' with N days, such as 'expected_purchases_90d' "
                f"(got {name!r})"
            )
            raise ValidationError(msg)
        question, days = found.group(1) or "p_alive", found.group(2)
        prediction = ModelPrediction(
            self, question, None if days is None else int(days), spend_model
        )
        return NamedSignal(name, prediction, description=description)

    def signals(
        self,
        log: EventLog,
        *,
        as_of: dt.date | str,
        spend_model: Any = None,
        purchase_covariates: Any = None,
        dropout_covariates: Any = None,
    ) -> Table:
        """Every customer's predictions as of ``as_of``, as a table; see :func:`model_signals`.

        Examples
        --------
        >>> from lifecycle import EventLog, attribute
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
        >>> log = EventLog.from_records([
        ...     {"customer": "ann", "date": "2024-01-05"}, {"customer": "ann", "date": "2024-01-09"},
        ...     {"customer": "bob", "date": "2024-06-01"}, {"customer": "bob", "date": "2024-06-20"}])
        >>> model = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
        >>> pop = log.population("2024-06-30").join(model.signals(log, as_of="2024-06-30"))
        >>> (attribute("p_alive") < 0.3).evaluate(pop).tolist()
        [True, False]
        """
        return model_signals(
            self,
            log,
            as_of=as_of,
            spend_model=spend_model,
            purchase_covariates=purchase_covariates,
            dropout_covariates=dropout_covariates,
        )

    def profile_signals(
        self,
        log: EventLog,
        customer: object,
        *,
        as_of: dt.date | str,
        spend_model: Any = None,
        purchase_covariates: Any = None,
        dropout_covariates: Any = None,
    ) -> Profile:
        """One customer's profile with the same values; see :func:`profile_signals`.

        Examples
        --------
        >>> from lifecycle import EventLog, attribute
        >>> from lifecycle.models import BetaGeoModel, BetaGeoParams
        >>> log = EventLog.from_records([
        ...     {"customer": "ann", "date": "2024-01-05"}, {"customer": "ann", "date": "2024-01-09"}])
        >>> model = BetaGeoModel.from_params(BetaGeoParams(0.24, 30.9, 0.79, 2.43, unit="D"))
        >>> (attribute("p_alive") < 0.3).evaluate(model.profile_signals(log, "ann", as_of="2024-06-30"))
        True
        """
        return profile_signals(
            self,
            log,
            customer,
            as_of=as_of,
            spend_model=spend_model,
            purchase_covariates=purchase_covariates,
            dropout_covariates=dropout_covariates,
        )
