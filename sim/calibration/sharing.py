"""Which beliefs the cases of a calibration share.

A belief is **shared** when it takes one value across the cases (and, through
``sim run --posterior``, in the scenario the posterior is applied to): the cases then
weigh it jointly. The rule:

* a key path that is a belief with the same prior in at least two cases is shared by
  those cases (the same key path with the same prior is taken to be the same belief: the
  shipped history checks copy the flagship's beliefs under their key paths for this
  reason); a case with another prior there keeps its own (Korea's first-strike bonus,
  narrowed for its demilitarised zone, is not Minsk's). Should two groups of cases each
  agree on a prior of their own, the group of the first case in the order given shares;
* ``--shared KEY`` names more (``*`` and ``?`` match as in file names, e.g.
  ``'actors.russia.*'``): every case with a number at that key path shares it, whatever its
  own prior or fixed value there (each replaced one is reported), and its prior is the
  one of the first case, in the order given, that has it as a belief;
* with one case of one history, every one of its beliefs is shared: the posterior is over
  all of them. A reference class (a survival table) alone shares none unless named: its
  beliefs describe each of its ceasefires separately.

Every other belief is a case's own and is integrated out with that case. The judgement:
sharing by identical key path and prior is automatic because a file that copies a belief
under the same key says it means the same thing; the alternative, sharing only what is
named, would make the common case (history checks that copy the flagship) need a long
command line, while naming stays available for the beliefs a user judges common although
their priors differ.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.beliefs import Distribution
from sim.errors import CalibrationError
from sim.scenario import Scenario

__all__ = ["Sharing", "find_shared"]


@dataclass(frozen=True)
class Sharing:
    """The shared beliefs: their priors, the cases that have them, and what was replaced.

    Attributes
    ----------
    priors
        Key path -> the shared belief's prior, in the order of first appearance.
    cases
        Key path -> the names of the cases that have it.
    named
        The key paths that ``--shared`` named (the rest were found by the rule).
    notes
        A case's own prior or fixed number that a named shared belief replaced.
    """

    priors: dict[str, Distribution]
    cases: dict[str, tuple[str, ...]]
    named: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


def _text(v: object) -> str:
    return v.to_shorthand() if isinstance(v, Distribution) else f"{v:g}"  # type: ignore[str-format]


def find_shared(scenarios: Sequence[Scenario], patterns: Sequence[str] = ()) -> Sharing:
    """The shared beliefs of these cases (see the module docstring).

    Raises :class:`CalibrationError` for a ``--shared`` pattern that names no belief.
    """
    alone = len(scenarios) == 1 and not (
        scenarios[0].observed is not None and scenarios[0].observed.survival is not None
    )
    numbers = [s.numbers() for s in scenarios]
    order: list[str] = []
    for nums in numbers:
        order += [k for k, v in nums.items() if isinstance(v, Distribution) and k not in order]
    found: dict[str, Distribution] = {}
    for k in order:
        priors = [nums[k] for nums in numbers if isinstance(nums.get(k), Distribution)]
        common = next((p for p in priors if priors.count(p) >= 2), None)
        if alone or common is not None:
            found[k] = priors[0] if alone else common
    named: list[str] = []
    for pattern in patterns:
        hits = [k for k in order if fnmatch.fnmatchcase(k, pattern)]
        if not hits:
            raise CalibrationError(
                f"--shared {pattern}: no case has a belief at this key path; the cases' "
                f"beliefs are: {', '.join(order) or 'none'}"
            )
        named += [k for k in hits if k not in named]
    notes: list[str] = []
    for k in named:
        first = next(i for i, nums in enumerate(numbers) if isinstance(nums.get(k), Distribution))
        prior = numbers[first][k]
        assert isinstance(prior, Distribution)
        found.setdefault(k, prior)
        for i, nums in enumerate(numbers):
            if k in nums and nums[k] != prior:
                notes.append(
                    f"{k}: {scenarios[i].name}'s own {_text(nums[k])} is replaced by the shared "
                    f"belief {prior.to_shorthand()} (the prior of {scenarios[first].name})"
                )
    priors = {k: found[k] for k in order if k in found}
    cases = {
        k: tuple(
            s.name
            for s, nums in zip(scenarios, numbers, strict=True)
            if k in nums and (k in named or nums[k] == priors[k])
        )
        for k in priors
    }
    return Sharing(priors, cases, tuple(named), notes)
