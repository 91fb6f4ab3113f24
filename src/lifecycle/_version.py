"""The installed version of customer-lifecycle."""

__version__ = "0.1.0"
