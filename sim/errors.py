"""Errors a user can cause, importable without loading the numerical modules."""


class ModelError(ValueError):
    """The model cannot give a finite answer for these parameters."""


class ResultError(ValueError):
    """A folder is not a complete result, or a result cannot be written."""


class ExecutorError(RuntimeError):
    """Chunks cannot be solved where they were sent: a worker died, a scheduler cannot be
    reached, an executor's package is missing, or its options contradict each other."""


class BudgetError(ValueError):
    """A run would need more memory or time than allowed; the message says what to lower."""


class CalibrationError(ValueError):
    """Observations that no draw of a case's beliefs can give (``sim calibrate``)."""


class CalibrationWarning(UserWarning):
    """A calibration whose posterior rests on few effective draws, or a posterior applied
    to a scenario whose own beliefs differ from the ones it was calibrated from."""
