"""Errors a user can cause, importable without loading the numerical modules."""


class ModelError(ValueError):
    """The model cannot give a finite answer for these parameters."""


class ResultError(ValueError):
    """A folder is not a complete result, or a result cannot be written."""


class CalibrationError(ValueError):
    """Observations that no draw of a case's beliefs can give (``sim calibrate``)."""


class CalibrationWarning(UserWarning):
    """A calibration whose posterior rests on few effective draws, or a posterior applied
    to a scenario whose own beliefs differ from the ones it was calibrated from."""
