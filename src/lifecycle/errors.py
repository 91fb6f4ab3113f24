"""The exceptions ``lifecycle`` raises on purpose.

Everything raised deliberately derives from :class:`LifecycleError`, so a program can catch
the library's errors in one place. Errors about bad input also derive from :class:`ValueError`
(or :class:`LookupError` for unknown names), so code written against the builtins keeps
working.

Messages name the field, the offending value and what is allowed.

Examples
--------
>>> from lifecycle import Money
>>> from lifecycle.errors import LifecycleError, ValidationError
>>> try:
...     Money(0.1, "EUR")
... except ValidationError as err:
...     print(isinstance(err, LifecycleError), isinstance(err, ValueError))
True True
"""

from __future__ import annotations

__all__ = [
    "ConvergenceError",
    "ConversionError",
    "CurrencyMismatchError",
    "LifecycleError",
    "MissingDependencyError",
    "NotFittedError",
    "PricingError",
    "SchemaError",
    "TransitionError",
    "UnknownCustomerError",
    "UnknownSignalError",
    "ValidationError",
]


class LifecycleError(Exception):
    """Base class of every error ``lifecycle`` raises on purpose.

    Examples
    --------
    >>> issubclass(ValidationError, LifecycleError)
    True
    """


class ValidationError(LifecycleError, ValueError):
    """A value is not allowed: wrong type, out of range, NaN, empty, inconsistent.

    Examples
    --------
    >>> from lifecycle.money import Currency
    >>> Currency("XXQ")
    Traceback (most recent call last):
    ...
    lifecycle.errors.ValidationError: 'currency' must be a known ISO 4217 code...
    """


class CurrencyMismatchError(ValidationError):
    """Two amounts in different currencies were combined.

    Examples
    --------
    >>> from lifecycle import Money
    >>> Money("1", "EUR") + Money("1", "USD")
    Traceback (most recent call last):
    ...
    lifecycle.errors.CurrencyMismatchError: cannot add EUR and USD amounts...
    """


class SchemaError(ValidationError):
    """Input does not have the expected shape: missing columns, unknown keys or versions.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> EventLog.from_records([{"date": "2024-01-01"}])
    Traceback (most recent call last):
    ...
    lifecycle.errors.SchemaError: row 0: 'customer' is required but missing...
    """


class UnknownSignalError(ValidationError):
    """A signal name that the library does not know, or a subject does not carry.

    Examples
    --------
    >>> from lifecycle import signal
    >>> signal("days_since_purchase")
    Traceback (most recent call last):
    ...
    lifecycle.errors.UnknownSignalError: unknown signal 'days_since_purchase'...
    """


class UnknownCustomerError(LifecycleError, LookupError):
    """A customer id that does not occur in the data asked about.

    Examples
    --------
    >>> from lifecycle import EventLog
    >>> log = EventLog.from_records([{"customer": 1, "date": "2024-01-01"}])
    >>> log.profile(2, as_of="2024-02-01")
    Traceback (most recent call last):
    ...
    lifecycle.errors.UnknownCustomerError: customer 2 has no events in this log...
    """


class TransitionError(LifecycleError, ValueError):
    """A move between relationship stages that the model does not allow.

    Examples
    --------
    >>> issubclass(TransitionError, ValueError), issubclass(TransitionError, LifecycleError)
    (True, True)
    """


class PricingError(ValidationError):
    """A pricing rule or policy that cannot produce a valid price.

    Examples
    --------
    >>> from lifecycle.pricing import PercentOff
    >>> PercentOff(150)
    Traceback (most recent call last):
    ...
    lifecycle.errors.PricingError: 'percent' must be a percent from 0 to 100 (got 150)
    """


class NotFittedError(LifecycleError, AttributeError):
    """A fitted-model method was called before ``fit``.

    Examples
    --------
    >>> issubclass(NotFittedError, AttributeError), issubclass(NotFittedError, LifecycleError)
    (True, True)
    """


class ConvergenceError(LifecycleError, RuntimeError):
    """A model fit did not converge; the message names the cause (never silent garbage).

    Examples
    --------
    >>> issubclass(ConvergenceError, LifecycleError)
    True
    """


class MissingDependencyError(LifecycleError, ImportError):
    """An optional extra (pandas, SciPy, matplotlib) is needed but not installed.

    Examples
    --------
    >>> from lifecycle.table import import_optional
    >>> import_optional("no_such_module_xyz", "plot")
    Traceback (most recent call last):
    ...
    lifecycle.errors.MissingDependencyError: this needs no_such_module_xyz: pip install 'customer-lifecycle[plot]'
    """


class ConversionError(LifecycleError, TypeError):
    """A conversion that would give a wrong result is refused, naming the one to use.

    Examples
    --------
    >>> import numpy as np
    >>> from lifecycle.table import Table
    >>> np.asarray(Table({"a": [1]}))
    Traceback (most recent call last):
    ...
    lifecycle.errors.ConversionError: a Table is not an array: use .to_pandas() for a pandas DataFrame ...
    """
