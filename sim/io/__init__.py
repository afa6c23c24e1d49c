"""Results on disk: the :class:`Result`, the atomic result folder, writer and loader."""

from sim.io.results import (
    REQUIRED_FILES,
    Result,
    ResultError,
    ResultWriter,
    check_result,
    load_result,
)

__all__ = ["REQUIRED_FILES", "Result", "ResultError", "ResultWriter", "check_result", "load_result"]
