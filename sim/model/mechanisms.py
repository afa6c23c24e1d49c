"""The machinery of a ceasefire: guarantees, restraint, peacekeepers, monitoring, support.

A *mechanism* (``mechanisms.<id>`` in a scenario) is a named part of the agreement that
acts on the model through channels of its own, so that a user can switch each off
(``sim run --without ID``) and see what it does on the same draws. Each is active in the
event states where no event that ``ends`` it has happened, and its numbers may be changed
by events like any other key.

``guarantee`` (side S, cost c, credibility p)
    A third party's promise to punish an attack on S: a side that attacks S *while S
    holds* expects the lump-sum cost p c (Fortna 2004, ch. 3, on third-party guarantees;
    Walter 2002 on credible commitments in civil-war settlements). It does not touch a
    war both sides start at once or a war fought because the terms were rejected: it
    guards the ceasefire, not the war.
``restraint`` (client S, cost c, credibility p)
    A patron's cost on its own client for breaking the ceasefire: S expects p c if it
    attacks a side that holds (the United States and Syngman Rhee in 1953: Stueck 1995).
    The channel is the one of a guarantee, borne by the other side of the dyad; the two
    are kept apart because they lapse for different reasons and are argued differently.
``peacekeepers`` (cost c, credibility p, first_strike_cut f, incident_cut g)
    Forces between the armies or a demilitarised zone: the first-strike bonus is cut by
    the share f (no surprise across an empty strip), an attacker on either side expects the
    tripwire cost p c (it must go through the peacekeepers), and the incident hazard is cut
    by the share g (Fortna 2004, ch. 5: DMZs and peacekeepers lengthen cease-fires; Fortna
    2008 on peacekeeping).
``monitoring`` (incident_cut g, reveal r)
    Observers and joint commissions: incidents escalate less often (hazard times 1 - g)
    and, with private information, each period the uninformed side learns the informed
    side's true type with chance r (Fortna 2004 on joint commissions as information; the
    information channel is the one of Fearon 1995).
``support`` (side S, capacity a, ceiling b)
    Outside arms and training for S: its capacity is multiplied by 1 + a and its ceiling by
    1 + b while the support lasts (its end is an event with ``ends``: the capacity path of
    the states after it starts from the capacity without support).

Several mechanisms combine: costs add, cuts multiply (1 - f1)(1 - f2), reveal chances
combine as independent chances 1 - (1 - r1)(1 - r2), support factors multiply. Judgement:
costs are *expected* lump sums (credibility times cost), as for a risk-neutral attacker;
the alternative, a lottery over whether the guarantor acts, gives the same expected values
in this model because war values are linear in lump sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Channels", "MechanismParams"]


@dataclass(frozen=True)
class MechanismParams:
    """One mechanism over a chunk of draws.

    Attributes
    ----------
    kind
        One of ``guarantee``, ``restraint``, ``peacekeepers``, ``monitoring``, ``support``.
    side
        0 (A) or 1 (B), the actor it is about; None for peacekeepers and monitoring.
    values
        Its numbers by name (cost, credibility, ...), each (n, S) per event state.
    active
        (n, S) 1 where the mechanism is in force (enabled, and no event that ends it has
        happened), else 0.
    """

    kind: str
    side: int | None
    values: dict[str, np.ndarray]
    active: np.ndarray


class Channels:
    """What the mechanisms of a chunk do, per draw and event state (arrays (n, S)).

    Attributes
    ----------
    guard
        (A's, B's) expected lump-sum cost of attacking a side that holds.
    first_strike
        Factor on the first-strike bonus (1 without mechanisms).
    incident
        Factor on the incident hazard.
    reveal
        Chance per period that the uninformed side learns the informed side's type.
    capacity, ceiling
        (A's, B's) factors on capacity and ceiling.
    """

    def __init__(self, mechanisms: tuple[MechanismParams, ...], n: int, S: int) -> None:
        one = np.ones((n, S))
        self.guard = [np.zeros((n, S)), np.zeros((n, S))]
        self.first_strike, self.incident, keep = one.copy(), one.copy(), one.copy()
        self.capacity, self.ceiling = [one.copy(), one.copy()], [one.copy(), one.copy()]
        for mech in mechanisms:
            v, on = mech.values, mech.active
            if mech.kind in ("guarantee", "restraint", "peacekeepers"):
                cost = on * v["credibility"] * v["cost"]
                if mech.kind == "peacekeepers":
                    payers = (0, 1)
                elif mech.kind == "guarantee":
                    payers = (1 - mech.side,)  # type: ignore[operator]
                else:
                    payers = (mech.side,)  # type: ignore[assignment]
                for i in payers:
                    self.guard[i] = self.guard[i] + cost
            if mech.kind == "peacekeepers":
                self.first_strike = self.first_strike * (1.0 - on * v["first_strike_cut"])
            if mech.kind in ("peacekeepers", "monitoring"):
                self.incident = self.incident * (1.0 - on * v["incident_cut"])
            if mech.kind == "monitoring":
                keep = keep * (1.0 - on * v["reveal"])
            if mech.kind == "support":
                i = mech.side
                assert i is not None
                self.capacity[i] = self.capacity[i] * (1.0 + on * v["capacity"])
                self.ceiling[i] = self.ceiling[i] * (1.0 + on * v["ceiling"])
        self.reveal = 1.0 - keep
        self.any = bool(mechanisms)
