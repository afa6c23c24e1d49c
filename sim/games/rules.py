"""The equilibrium selection rules: one function per rule, looked up by name.

The names are :data:`sim.names.NASH_RULES` (the scenario format and the command line
read them there; the other way to play a stage game, ``qre``, is not a choice among
Nash equilibria and lives in :mod:`sim.games.qre`); this module holds one function per
name, registered with :func:`selection_rule`. A rule sees a :class:`Situation` (a
game's pure equilibria and whether it has a completely mixed extreme equilibrium) and
answers with a pure profile or a :class:`Resolve` step that needs the payoffs (risk or
payoff dominance, the mixed equilibrium of a game without a pure one).
:mod:`sim.games.selection` applies the answer: evaluated once per sign class, it
becomes the look-up table of the batched 2x2 path ``select_2x2``; evaluated per game,
the choice of ``select_from_list`` among an explicit list.

Adding a rule is its name in ``NASH_RULES`` plus one function here; removing one
is the reverse (the registry refuses to import when the two disagree). Judgement: a
rule is a decision over the pure equilibria rather than a vectorised function of the
payoffs, because that keeps the 2x2 hot path a table look-up and makes the batched and
the list form agree by construction; the alternative (each rule a function on the
batch of games) is more direct but would have every rule mask and resolve the batch
itself. The logit quantal response equilibrium is not such a rule (it is not a choice
among Nash equilibria, and it is continuous in the payoffs): ``select_2x2`` hands the
name ``qre`` to :func:`sim.games.qre_2x2`.

The rules
---------
``peaceful``
    (Hold, Hold) whenever it is a (weak) pure equilibrium: if neither side gains by
    attacking first, the ceasefire is self-enforcing and the analyst assumes the
    parties coordinate on it (the focal point of an agreement). Otherwise
    ``risk_dominant``.
``risk_dominant``
    The risk-dominant pure equilibrium (:mod:`sim.games.dominance`). A unique pure
    equilibrium is selected; with no pure equilibrium the first extreme equilibrium
    (in a 2x2 game the unique, completely mixed one).
``payoff_dominant``
    The pure equilibrium that Pareto-dominates every other pure equilibrium:
    collective rationality, Harsanyi and Selten's first criterion. If there is none,
    ``risk_dominant``; with no pure equilibrium, the mixed one.
Tie rule (degenerate games). A player indifferent between strategies is taken to play
the lowest index, Hold: ties go toward peace. Concretely, equal risk products go to
the equilibrium with more players on strategy 0, then to the lexicographically smaller
attack probabilities, i.e. the priority (Hold, Hold) > (Hold, Attack) >
(Attack, Hold) > (Attack, Attack) (the order of :attr:`Situation.pure`); and when
several non-pure extreme equilibria are candidates (continuum endpoints, or several
mixed equilibria of a larger game), pure profiles are preferred, then the profile that
comes first in the canonical order of ``all_equilibria``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from sim.names import NASH_RULES, REMOVED_RULES

__all__ = [
    "HOLD_HOLD",
    "RULES",
    "Pick",
    "Resolve",
    "Rule",
    "Situation",
    "check_rule",
    "rule_named",
    "selection_rule",
]

RULES = NASH_RULES
"""Names of the equilibrium selection rules."""

Cell = tuple[int, int]
HOLD_HOLD: Cell = (0, 0)
"""The pure profile in which both players hold (strategy 0)."""


class Resolve(Enum):
    """A selection step that needs more than the list of pure equilibria."""

    FIRST_LISTED = "first_listed"
    """The first extreme equilibrium in the canonical order (used when there is no pure
    equilibrium; in a 2x2 game the unique, completely mixed one)."""
    RISK_DOMINANT = "risk_dominant"
    """The risk-dominant one of several pure equilibria."""
    PAYOFF_DOMINANT = "payoff_dominant"
    """The Pareto-dominant one of several pure equilibria, else the risk-dominant one."""


Pick = Cell | Resolve
"""What a rule answers: a pure profile ``(i, j)`` or a :class:`Resolve` step."""


@dataclass(frozen=True)
class Situation:
    """What a rule may look at: the game's equilibria, without the payoffs.

    Attributes
    ----------
    pure : tuple of (i, j)
        The pure equilibria in the tie order: fewer players off strategy 0 first, then
        lexicographic (for 2x2 games (H,H), (H,A), (A,H), (A,A)).
    completely_mixed : bool
        Whether some extreme equilibrium has both players randomise over all their
        strategies.
    """

    pure: tuple[Cell, ...]
    completely_mixed: bool


Rule = Callable[[Situation], Pick]
"""A selection rule: the function of a :class:`Situation` that picks an equilibrium."""

_REGISTRY: dict[str, Rule] = {}


def selection_rule(name: str) -> Callable[[Rule], Rule]:
    """Register the decorated function as the selection rule ``name``.

    Parameters
    ----------
    name : str
        One of :data:`sim.names.NASH_RULES`.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.
    """
    if name not in NASH_RULES:
        raise ValueError(f"selection rule {name!r} is not in sim.names.NASH_RULES")

    def register(rule: Rule) -> Rule:
        _REGISTRY[name] = rule
        return rule

    return register


@selection_rule("peaceful")
def peaceful(s: Situation) -> Pick:
    """(Hold, Hold) whenever it is a pure equilibrium, else :func:`risk_dominant`."""
    return HOLD_HOLD if HOLD_HOLD in s.pure else risk_dominant(s)


@selection_rule("risk_dominant")
def risk_dominant(s: Situation) -> Pick:
    """The only pure equilibrium, the risk-dominant one of several, or the first listed."""
    if not s.pure:
        return Resolve.FIRST_LISTED
    if len(s.pure) == 1:
        return s.pure[0]
    return Resolve.RISK_DOMINANT


@selection_rule("payoff_dominant")
def payoff_dominant(s: Situation) -> Pick:
    """As :func:`risk_dominant`, but a Pareto-dominant pure equilibrium comes first."""
    pick = risk_dominant(s)
    return Resolve.PAYOFF_DOMINANT if pick is Resolve.RISK_DOMINANT else pick


_missing = [name for name in NASH_RULES if name not in _REGISTRY]
if _missing:
    raise ImportError(f"selection rules without a function in sim.games.rules: {_missing}")


def check_rule(rule: str) -> str:
    """``rule`` if it names a selection rule, else ``ValueError`` listing the names."""
    if rule in REMOVED_RULES:
        raise ValueError(REMOVED_RULES[rule])
    if rule not in RULES:
        raise ValueError(f"unknown selection rule {rule!r}; expected one of {RULES}")
    return rule


def rule_named(rule: str) -> Rule:
    """The function of the selection rule ``rule`` (``ValueError`` if there is none)."""
    return _REGISTRY[check_rule(rule)]
