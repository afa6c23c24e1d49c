"""A calibration's posterior, read back for a run: ``sim run FILE --posterior DIR``.

``sim calibrate`` (:mod:`sim.calibration`) writes a folder holding ``posterior.parquet``
(one row per particle: the shared beliefs by key path and the particle's ``weight``) and
``calibration.json`` (what was calibrated, on what, and the sha256 of every file, written
last). :func:`load_posterior` reads it back, checking every file against those sha256s.

In a run, draw ``i`` takes its shared beliefs from one particle, picked with probability
equal to its weight by one uniform of its own (:data:`sim.beliefs.STREAM_POSTERIOR`,
fixed blocks of draws, so the pick never depends on chunking or workers); every other
belief is sampled from the scenario file exactly as without the posterior, with the same
sampler columns. So a run with the posterior and one without share every draw's other
beliefs (common random numbers): their difference is what history changed. The posterior
keeps the correlations between the shared beliefs that the cases imply.

The run's manifest records the posterior (:meth:`Posterior.record`): its folder, the
sha256 of its ``calibration.json`` (which holds the sha256 of every other file, so one
hash names the folder's content), the cases and the beliefs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import ResultError

__all__ = [
    "CALIBRATION_FILE",
    "FORMAT",
    "POSTERIOR_FILE",
    "Posterior",
    "check_posterior",
    "load_posterior",
    "posterior_rows",
]

#: The file that describes a calibration folder and marks it complete (written last).
CALIBRATION_FILE = "calibration.json"
#: The particles and their weights.
POSTERIOR_FILE = "posterior.parquet"
#: ``calibration.json``'s ``format`` entry.
FORMAT = "ceasefire-sim calibration"


@dataclass(frozen=True, eq=False)
class Posterior:
    """The weighted particles of a calibration, over the shared beliefs.

    Attributes
    ----------
    keys
        The shared beliefs' key paths, in the order of :attr:`values`' columns.
    values
        (P, d) the particles.
    weights
        (P,) normalised weights (they sum to 1).
    folder, sha256
        Where it was read from and the sha256 of its ``calibration.json`` (empty when
        made in memory).
    priors
        Key path -> the prior it was calibrated from (shorthand text).
    cases
        The names of the calibration's cases.
    ess
        The effective sample size the calibration reported.
    """

    keys: tuple[str, ...]
    values: np.ndarray
    weights: np.ndarray
    folder: str = ""
    sha256: str = ""
    priors: dict[str, str] = field(default_factory=dict)
    cases: tuple[str, ...] = ()
    ess: float | None = None

    def record(self) -> dict[str, Any]:
        """The manifest's ``posterior`` entry: folder, hash, cases, beliefs, particles."""
        return {
            "folder": self.folder,
            "sha256": self.sha256,
            "cases": ", ".join(self.cases),
            "beliefs": ", ".join(self.keys),
            "particles": int(self.values.shape[0]),
            "ess": None if self.ess is None else round(float(self.ess), 1),
        }


def posterior_rows(post: Posterior, u: np.ndarray) -> dict[str, np.ndarray]:
    """The shared beliefs of draws with uniforms ``u``: one particle each, by weight.

    The particle of a draw is the first whose cumulative weight exceeds its uniform.
    """
    cum = np.cumsum(post.weights)
    idx = np.minimum(np.searchsorted(cum, u * cum[-1], side="right"), len(cum) - 1)
    return {k: post.values[idx, j].copy() for j, k in enumerate(post.keys)}


def load_posterior(folder: str | os.PathLike) -> Posterior:
    """Read a calibration folder's posterior, checking every file against its sha256.

    Raises
    ------
    ResultError
        Naming the folder and what is wrong: not a calibration folder, a file missing or
        changed since it was written, or particles that are not usable.
    """
    path = Path(folder)
    meta_path = path / CALIBRATION_FILE
    if not path.is_dir():
        raise ResultError(f"{path}: no such folder; give the --out folder of sim calibrate")
    if not meta_path.is_file():
        raise ResultError(
            f"{path}: not a calibration folder (no {CALIBRATION_FILE}); make one with "
            "sim calibrate CASE... --out DIR"
        )
    raw = meta_path.read_bytes()
    try:
        meta = json.loads(raw)
    except ValueError as exc:
        raise ResultError(f"{meta_path}: not valid JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ResultError(f"{meta_path}: not written by sim calibrate")
    _verify(path, meta.get("files") or {})
    import pandas as pd

    frame = pd.read_parquet(path / POSTERIOR_FILE)
    keys = tuple(c for c in frame.columns if c not in ("particle", "weight"))
    if "weight" not in frame.columns or not keys or frame.empty:
        raise ResultError(f"{path / POSTERIOR_FILE}: needs a weight column and one per belief")
    weights = frame["weight"].to_numpy(dtype=float)
    values = frame[list(keys)].to_numpy(dtype=float)
    if not (np.all(np.isfinite(weights)) and np.all(weights >= 0) and weights.sum() > 0):
        raise ResultError(f"{path / POSTERIOR_FILE}: weights must be finite, >= 0, not all 0")
    if not np.all(np.isfinite(values)):
        raise ResultError(f"{path / POSTERIOR_FILE}: a belief is not a finite number")
    shared = meta.get("shared") or {}
    return Posterior(
        keys=keys,
        values=values,
        weights=weights / weights.sum(),
        folder=str(path.resolve()),
        sha256=hashlib.sha256(raw).hexdigest(),
        priors={k: str(shared.get(k, {}).get("prior", "")) for k in keys},
        cases=tuple(meta.get("cases") or ()),
        ess=meta.get("ess"),
    )


def _verify(path: Path, files: dict[str, Any]) -> None:
    """Every file the calibration lists is there, with the sha256 it was written with."""
    from sim.io.manifest import sha256_file

    if POSTERIOR_FILE not in files:
        raise ResultError(f"{path}: {CALIBRATION_FILE} lists no {POSTERIOR_FILE}")
    for name, entry in files.items():
        f = path / name
        if not f.is_file():
            raise ResultError(f"{path}: {name} is missing; run sim calibrate again")
        if sha256_file(f) != entry.get("sha256"):
            raise ResultError(
                f"{f}: changed since sim calibrate wrote it (its sha256 differs from "
                f"{CALIBRATION_FILE}); run sim calibrate again"
            )


def check_posterior(scn: Any, posterior: Posterior | str | os.PathLike) -> Posterior:
    """The posterior to run ``scn`` with: read (if a folder) and checked against it.

    Every belief of the posterior must be a number of the scenario (else
    :class:`ResultError` naming it); where the scenario's own prior differs from the one
    the posterior was calibrated from, or the scenario fixes the number, a
    :class:`~sim.errors.CalibrationWarning` says that the posterior replaces it.
    """
    import warnings

    from sim.beliefs import Distribution
    from sim.errors import CalibrationWarning

    post = posterior if isinstance(posterior, Posterior) else load_posterior(posterior)
    numbers = scn.numbers()
    where = post.folder or "the posterior"
    missing = [k for k in post.keys if k not in numbers]
    if missing:
        raise ResultError(
            f"{where}: scenario {scn.name} has no number at {', '.join(missing)}; a posterior "
            f"applies to a scenario with the same key paths (its beliefs: {', '.join(post.keys)})"
        )
    for k in post.keys:
        own, prior = numbers[k], post.priors.get(k, "")
        text = own.to_shorthand() if isinstance(own, Distribution) else f"{own:g}"
        if prior and text != prior:
            warnings.warn(
                f"{k}: scenario {scn.name} says {text}, the calibration's prior was {prior}; "
                "the posterior replaces the scenario's number",
                CalibrationWarning,
                stacklevel=3,
            )
    return post
