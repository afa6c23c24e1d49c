"""Rows of a chunk's outcomes: take some draws out of a :class:`ChunkOutput`, put parts back.

A chunk whose draws are played under different selection rules (``solver.selection:
choice([...])``) is solved one rule at a time, each on its own draws
(:func:`sim.montecarlo.rules.solve_by_rule`); :func:`put_rows` then lays the parts back in
draw order. Both work on every field of :class:`~sim.model.backward.ChunkOutput` and
:class:`~sim.model.backward.TypeOutput` as their dataclass fields list them: an array is
cut or placed along its first axis (the draws), the types recursively, and the fields that
describe the chunk rather than a draw (``ids``, ``informed``) must agree between parts.
A draw's outcomes do not depend on which other draws share its chunk: the property that
makes a run's numbers independent of its chunk size, which the tests hold exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, TypeVar

import numpy as np

from sim.model.backward import ChunkOutput, TypeOutput

__all__ = ["put_rows", "take_rows"]

Out = TypeVar("Out", ChunkOutput, TypeOutput)


def take_rows(out: Out, rows: np.ndarray | slice) -> Out:
    """The outcomes of draws ``rows`` (indices into the chunk, or a slice: then the arrays
    are views) of ``out``, every field cut."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(out):
        v = getattr(out, f.name)
        if isinstance(v, np.ndarray):
            v = v[rows]
        elif isinstance(v, TypeOutput):
            v = take_rows(v, rows)
        values[f.name] = v
    return type(out)(**values)


def put_rows(parts: Sequence[tuple[np.ndarray, Out]], n: int) -> Out:
    """One output of ``n`` draws from ``(rows, part)`` pairs that cover each draw once.

    Raises
    ------
    ValueError
        When the rows do not cover ``0 .. n-1`` exactly once, or the parts disagree on a
        field that is not per draw (or on whether an optional field is present).
    """
    if not parts:
        raise ValueError("put_rows needs at least one part")
    every = np.concatenate([np.asarray(rows) for rows, _ in parts])
    if len(every) != n or not np.array_equal(np.sort(every), np.arange(n)):
        raise ValueError(f"the parts' rows must cover the {n} draws exactly once")
    first = parts[0][1]
    values: dict[str, Any] = {}
    for f in dataclasses.fields(first):
        got: list[Any] = [getattr(part, f.name) for _, part in parts]
        v0: Any = got[0]
        if isinstance(v0, np.ndarray):
            tail: tuple[int, ...] = tuple(v0.shape[1:])
            if not all(isinstance(g, np.ndarray) and g.shape[1:] == tail for g in got):
                raise ValueError(f"the parts disagree on the shape of {f.name}")
            full = np.empty((n, *tail), dtype=np.result_type(*got))
            for (rows, _), g in zip(parts, got, strict=True):
                full[rows] = g
            values[f.name] = full
        elif isinstance(v0, TypeOutput):
            if not all(isinstance(g, TypeOutput) for g in got):
                raise ValueError(f"the parts disagree on whether they have {f.name}")
            pairs = [(rows, g) for (rows, _), g in zip(parts, got, strict=True)]
            values[f.name] = put_rows(pairs, n)
        elif any(not _same(g, v0) for g in got):
            raise ValueError(f"the parts disagree on {f.name}")
        else:
            values[f.name] = v0
    return type(first)(**values)


def _same(a: Any, b: Any) -> bool:
    """Equal non-array fields (None, ids, the informed side)."""
    if a is None or b is None:
        return a is b
    return bool(a == b)
