"""Global sensitivity indices of the beliefs, with bootstrap confidence intervals (SALib).

::

    table = sim.sensitivity(result)                 # one row per belief and index
    table = indices(x, y, seed=1)                   # the same on any inputs and outcome

Which beliefs matter, measured over the whole space of beliefs at once rather than one
at a time: the share of the variance of the outcome (per draw, the probability that the
ceasefire holds five years: a number, not a 0/1 story) that each belief explains.

* **Every run: RBD-FAST** (Tarantola, Gatelli and Mara 2006; Plischke 2010; the bias
  correction of Tissot and Prieur 2012), as SALib's ``rbd_fast.analyze`` computes it
  (batched, to the bit: :mod:`sim.analysis.rbd`): the first-order
  index S1 of each belief from the draws already sampled (given data, no extra runs),
  with a bootstrap 95% interval (SALib's: resamples of half the draws, so on the wide
  side). S1 is the share of the variance that the belief explains on its own; what the
  S1 of all beliefs leave unexplained (one minus their sum) comes from interactions and
  from the randomness of each draw's events. Runs of more than :data:`GIVEN_DATA_MAX`
  draws use their first :data:`GIVEN_DATA_MAX` (a sample of the beliefs like any other,
  since a draw's beliefs depend only on its index), which keeps the indices to a fraction
  of a second on every run.
* **When asked: Sobol' first and total indices** (Saltelli et al. 2010, the estimators of
  SALib's ``sobol.analyze``) on the designed sample of ``sim run --design saltelli``
  (:func:`sim.beliefs.saltelli_layout`): S1 as above and ST, the share of the variance
  that would go if the belief alone were known (its own effect and every interaction),
  with SALib's bootstrap 95% intervals. A Saltelli run of n draws has n // (d + 2)
  groups for d beliefs; each draw's event times are its own, so ST also holds the share
  of each belief's interactions with them.

Why these. SALib is the maintained library of the field. Of its given-data methods,
RBD-FAST is the one that is cheap enough for every run (its delta moment-independent
measure took 89 s for 2,000 draws of the flagship and piles its estimates at a floor when
many draws are rejected, so that P(holds) has an atom at 0; PAWN has no intervals). For
the designed sample, the Saltelli design goes through the run's own sampler
(:mod:`sim.beliefs.samplers`), so it is chunked, seeded and reproducible like any run,
and every draw of it is a full draw of the model with its story; the alternative,
``scipy.stats.sobol_indices``, calls a function on matrices it builds, which would run
the model outside the Monte Carlo layer and write no result folder.

A sampled selection rule (``solver.selection: choice([...])``) is ranked with the beliefs,
as its index among the rules: a step function of its sampler column (the design's last),
so its indices are those of that uniform.

Beliefs only. A run with private information also samples each draw's true type, which
scenario discovery restricts like a belief (:mod:`sim.analysis.discovery`); these indices
leave it out, and rank the sampled key paths only. A judgement: they rank the beliefs a
reader can change in the scenario, and the ``p_`` outcomes they explain are mixtures over
the types with the prior, the same whatever the true type, so its index would be zero by
construction (the type's own effect is in ``summary.json``'s figures by type).

Bootstrap resamples are seeded from the run's seed (stream
:data:`sim.beliefs.samplers.STREAM_BOOTSTRAP`), so one seed fixes every interval.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.outcomes import DEFAULT_OUTCOME, outcome_values
from sim.analysis.rbd import rbd_fast
from sim.analysis.sensitivity import categorical_columns, category_codes, parameter_columns
from sim.beliefs import STREAM_BOOTSTRAP, saltelli_layout
from sim.io import draw_columns, read_draws
from sim.scenario import readable_key

__all__ = [
    "COLUMNS",
    "GIVEN_DATA_MAX",
    "RESAMPLES",
    "SOBOL_RESAMPLES",
    "bootstrap_rng",
    "check_saltelli",
    "empty_indices",
    "indices",
    "sensitivity_indices",
]

#: The columns of a table of indices (``sensitivity.csv``).
COLUMNS = (
    "key",
    "name",
    "method",
    "measure",
    "index",
    "ci_low",
    "ci_high",
    "rank",
    "outcome",
    "draws",
)
#: Most draws the given-data indices use (the first ones): about 0.3 s for 45 beliefs.
GIVEN_DATA_MAX = 8192
#: Bootstrap resamples of each RBD-FAST index (each costs a sort and an FFT per belief:
#: 30 keep the indices of a 45-belief run near 0.3 s; an interval's width is then known
#: to about 13%).
RESAMPLES = 30
#: Bootstrap resamples of each Sobol' index (cheap: means over the design's groups).
SOBOL_RESAMPLES = 100
#: Confidence level of the intervals.
LEVEL = 0.95


def empty_indices() -> pd.DataFrame:
    """A table of indices with no rows (a run without outcomes or beliefs)."""
    return pd.DataFrame(columns=list(COLUMNS))


def bootstrap_rng(seed: int) -> np.random.Generator:
    """The generator of the bootstrap of a run with this seed (its own stream)."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(STREAM_BOOTSTRAP,)))


def indices(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    seed: int,
    design: str | None = None,
    outcome: str = DEFAULT_OUTCOME,
    resamples: int = RESAMPLES,
    sobol_resamples: int = SOBOL_RESAMPLES,
    given_max: int = GIVEN_DATA_MAX,
) -> pd.DataFrame:
    """Sensitivity indices of the columns of ``x`` (in draw order) for the outcome ``y``.

    Parameters
    ----------
    x
        One column per input (key path), one row per draw, in the order of the draws.
    y
        The outcome per draw.
    seed
        Seeds the bootstrap (:func:`bootstrap_rng`).
    design
        ``"saltelli"`` when the rows are a Saltelli design over the columns of ``x`` in
        order (:func:`sim.beliefs.saltelli_layout`): Sobol' S1 and ST are added, and the
        given-data index uses the design's A and B rows. ``None``: any sample.
    outcome
        The outcome's name, for the ``outcome`` column.
    resamples, sobol_resamples, given_max
        Bootstrap resamples of RBD-FAST and of Sobol' indices; most draws the given-data
        index uses.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`: per method (``rbd_fast``, ``sobol``) and measure (``S1``,
        ``ST``), one row per input, largest index first; ``rank`` counts from 1 within
        a method and measure. Empty when the outcome does not vary (every index is 0).
    """
    y = np.asarray(y, dtype=float)
    keys = list(x.columns)
    values = x.to_numpy(dtype=float)
    if len(y) != len(values):
        raise ValueError(f"x has {len(values)} rows and y {len(y)}")
    rng = bootstrap_rng(seed)
    tables = []
    if design == "saltelli":
        check_saltelli(values)
        _, pos = saltelli_layout(len(keys), 0, len(y))
        given = np.flatnonzero((pos == 0) | (pos == len(keys) + 1))
    elif design is None:
        given = np.arange(len(y))
    else:
        raise ValueError(f"design must be saltelli or None (got {design!r})")
    given = given[:given_max]
    if len(given) >= 4 * 10 + 2 and np.ptp(y[given]) > 0:  # RBD-FAST needs N > 2 M
        tables.append(_rbd_fast(keys, values[given], y[given], resamples, rng))
    if design == "saltelli":
        tables.append(_sobol(keys, y, sobol_resamples, rng))
    rows = [t for t in tables if len(t)]
    table = pd.concat(rows, ignore_index=True) if rows else empty_indices()
    table["outcome"] = outcome
    return table[list(COLUMNS)]


def _rows(keys, method, measure, index, conf, draws) -> pd.DataFrame:
    index, conf = np.asarray(index, dtype=float), np.asarray(conf, dtype=float)
    frame = pd.DataFrame(
        {
            "key": keys,
            "name": [readable_key(k) for k in keys],
            "method": method,
            "measure": measure,
            "index": index,
            "ci_low": index - conf,
            "ci_high": index + conf,
            "draws": int(draws),
        }
    )
    frame = frame.sort_values("index", ascending=False, kind="stable").reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame


def _rbd_fast(keys, values, y, resamples, rng) -> pd.DataFrame:
    """First-order indices from given data: SALib's RBD-FAST with its bootstrap, batched
    (:func:`sim.analysis.rbd.rbd_fast`, equal to SALib's to the bit; a constant input
    divides 0 by 0, and its S1 is then 0)."""
    s1, conf = rbd_fast(values, y, resamples=resamples, conf_level=LEVEL, rng=rng)
    return _rows(keys, "rbd_fast", "S1", np.nan_to_num(s1), np.nan_to_num(conf), len(y))


def _sobol(keys, y, resamples, rng) -> pd.DataFrame:
    """Sobol' S1 and ST on the complete groups of a Saltelli design (SALib)."""
    from SALib.analyze import sobol

    d = len(keys)
    groups = len(y) // (d + 2)
    yy = y[: groups * (d + 2)]
    if groups < 2 or np.ptp(yy) == 0:
        return empty_indices()
    problem = {"num_vars": d, "names": keys, "bounds": [[0.0, 1.0]] * d}
    seed = int(rng.integers(1, 2**31 - 1))  # SALib treats seed 0 as "unseeded"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        si = sobol.analyze(
            problem,
            yy,
            calc_second_order=False,
            num_resamples=resamples,
            conf_level=LEVEL,
            seed=seed,
        )
    first = _rows(keys, "sobol", "S1", si["S1"], si["S1_conf"], groups * (d + 2))
    total = _rows(keys, "sobol", "ST", si["ST"], si["ST_conf"], groups * (d + 2))
    return pd.concat([first, total], ignore_index=True)


def check_saltelli(values: np.ndarray) -> None:
    """Raise ValueError unless the rows of ``values`` are laid out as a Saltelli design.

    In each complete group, row ``1 + i`` must equal row 0 but in column ``i``, which it
    shares with the last row. A draws table whose columns are not the design's, or are in
    another order, fails this; so do rows that are not in draw order.
    """
    n, d = values.shape
    groups = n // (d + 2)
    if groups == 0:
        return
    g = values[: groups * (d + 2)].reshape(groups, d + 2, d)
    a, b, ab = g[:, 0, :], g[:, d + 1, :], g[:, 1 : d + 1, :]
    eye = np.eye(d, dtype=bool)
    expect = np.where(eye[None], b[:, None, :], a[:, None, :])
    if not np.array_equal(ab, expect):
        raise ValueError(
            "the draws are not a Saltelli design over these beliefs (rows or columns out of "
            "order); run the scenario with --design saltelli"
        )


def sensitivity_indices(
    result: Any, outcome: str = DEFAULT_OUTCOME, *, resamples: int = RESAMPLES
) -> pd.DataFrame:
    """The sensitivity indices of a run's beliefs for ``outcome`` (see the module docstring).

    The inputs are the run's sampled beliefs (:func:`sim.analysis.parameter_columns`);
    Sobol' indices are added when the run was sampled with ``--design saltelli``. The
    bootstrap is seeded by the run's seed. ``attrs`` holds ``outcome``, ``draws`` (of the
    run), ``design`` and ``note`` (why a Saltelli run has no Sobol' indices: its draws
    table no longer matches the design, e.g. when its scenario cannot be read back).

    A run's indices are computed once per outcome and number of resamples and kept on the
    result (writing a result needs them twice: ``sensitivity.csv`` and its figure); each
    call returns its own copy.
    """
    kept = result.__dict__.setdefault("_indices", {}) if hasattr(result, "__dict__") else {}
    if (outcome, resamples) not in kept:
        kept[(outcome, resamples)] = _indices_of(result, outcome, resamples)
    table = kept[(outcome, resamples)]
    copy = table.copy()
    copy.attrs = dict(table.attrs)
    return copy


def _indices_of(result: Any, outcome: str, resamples: int) -> pd.DataFrame:
    columns = draw_columns(result)
    cats = categorical_columns(columns)
    params = parameter_columns(result, columns)
    summary = getattr(result, "summary", None) or {}
    design = "saltelli" if summary.get("sampler") == "saltelli" else None
    # given data: only the first GIVEN_DATA_MAX draws are used, so only they are read
    rows = None if design == "saltelli" else GIVEN_DATA_MAX
    y = outcome_values(result, outcome, rows=rows)
    x = read_draws(result, [*params, *cats], rows=rows)[[*params, *cats]].copy()
    for key in cats:  # a sampled rule: its index, a step function of its uniform
        x[key] = category_codes(result, x[key])
    if design == "saltelli":
        scn = getattr(result, "scenario", None)
        if scn is not None:  # the design's columns: every uncertain number, then the rule
            x = x[[k for k in scn.uncertain() if k in x.columns] + cats]
    seed = int(summary.get("seed") or 0)
    note = ""
    try:
        table = indices(x, y, seed=seed, design=design, outcome=outcome, resamples=resamples)
    except ValueError as exc:  # a saltelli run whose scenario no longer parses
        if design is None:
            raise
        note = f"no Sobol' indices: {exc}"
        design = None
        table = indices(x, y, seed=seed, outcome=outcome, resamples=resamples)
    draws = summary.get("draws") if rows is not None else len(y)
    if not isinstance(draws, int):  # a result without its summary's count: count them
        draws = len(outcome_values(result, outcome))
    table.attrs.update(outcome=outcome, draws=draws, design=design, note=note)
    return table
