"""Errors a user can cause, importable without loading the numerical modules."""


class ModelError(ValueError):
    """The model cannot give a finite answer for these parameters."""


class ResultError(ValueError):
    """A folder is not a complete result, or a result cannot be written."""


class BudgetError(ValueError):
    """A run would need more memory or time than allowed; the message says what to lower."""
