"""Tests of lifecycle.errors: the exception hierarchy."""

from __future__ import annotations

import pytest

from lifecycle import errors
from lifecycle.errors import (
    CurrencyMismatchError,
    LifecycleError,
    MissingDependencyError,
    NotFittedError,
    PricingError,
    SchemaError,
    TransitionError,
    UnknownCustomerError,
    UnknownSignalError,
    ValidationError,
)


@pytest.mark.parametrize(
    ("error", "bases"),
    [
        (LifecycleError, (Exception,)),
        (ValidationError, (LifecycleError, ValueError)),
        (CurrencyMismatchError, (ValidationError, LifecycleError, ValueError)),
        (SchemaError, (ValidationError, LifecycleError, ValueError)),
        (UnknownSignalError, (ValidationError, LifecycleError, ValueError)),
        (PricingError, (ValidationError, LifecycleError, ValueError)),
        (UnknownCustomerError, (LifecycleError, LookupError)),
        (TransitionError, (LifecycleError, ValueError)),
        (NotFittedError, (LifecycleError, AttributeError)),
        (MissingDependencyError, (LifecycleError, ImportError)),
    ],
)
def test_hierarchy(error: type[Exception], bases: tuple[type[Exception], ...]) -> None:
    for base in bases:
        assert issubclass(error, base), base


@pytest.mark.parametrize(
    ("error", "not_a"),
    [
        (UnknownCustomerError, ValueError),
        (TransitionError, ValidationError),
        (NotFittedError, ValueError),
        (MissingDependencyError, ValueError),
        (LifecycleError, ValueError),
    ],
)
def test_not_subclasses(error: type[Exception], not_a: type[Exception]) -> None:
    assert not issubclass(error, not_a)


def test_every_error_in_all_is_a_lifecycle_error() -> None:
    assert errors.__all__ == sorted(errors.__all__)
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), LifecycleError)


def test_catch_as_builtin() -> None:
    from lifecycle import Money

    with pytest.raises(ValueError, match="not a float"):
        Money(0.1, "EUR")
    with pytest.raises(LifecycleError, match="not a float"):
        Money(0.1, "EUR")


def test_message_is_kept() -> None:
    err = SchemaError("thing: unknown key 'x'")
    assert str(err) == "thing: unknown key 'x'"
    assert err.args == ("thing: unknown key 'x'",)
