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

A model fitted with covariates takes them here as tables keyed by customer
(``purchase_covariates=``, ``dropout_covariates=``: a ``customer`` column and the covariate
columns, any row order); each customer's predictions use their own row, in both engines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ValidationError
from ..events import EventLog, as_date
from ..rfm import rfm_summary
from ..signals import Profile
from ..table import Table
from ._base import UNIT_DAYS
from ._data import _plain

__all__ = ["model_signals", "profile_signals"]

F = NDArray[np.float64]


def _values(
    model: Any, spend_model: Any, x: F, tx: F, t: F, m: F, covariates: Mapping[str, Any]
) -> dict[str, F]:
    from ._gammagamma import _expected_value

    days = UNIT_DAYS[model.params_.unit]
    rfm = {"frequency": x, "recency": tx, "T": t, **covariates}
    out = {
        "p_alive": model.probability_alive(**rfm),
        "expected_purchases_90d": model.conditional_expected_purchases(90 / days, **rfm),
    }
    if spend_model is not None:
        purchases = model.conditional_expected_purchases(365 / days, **rfm)
        out["expected_value_365d"] = purchases * _expected_value(spend_model.params_, x, m)
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

    Customers without a purchase by ``as_of`` get ``None`` (as the batch join gives NaN).

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
    return profile.with_attributes(**{name: float(values[name][0]) for name in names})


class TransactionSignals:
    """The ``signals`` and ``profile_signals`` methods of the transaction models."""

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
