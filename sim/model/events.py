"""Events: the state space of what has happened, its transitions, and each draw's path.

An event state is a bit mask of the events that have happened (S = 2**k states for k
events). Events are one-way and fire independently, each with its per-period hazard;
the players know the hazards, so values are computed in every state and linked by the
transition matrix (:func:`transition_matrix`), while each draw's realised path
(:func:`event_states`) picks which stage game applies in each period.

An event may also have a date (``at_years``, d periods): it has happened by period d at
the latest, whatever its hazard. The players know the date, so the transitions depend on
the period (:func:`dated_hazards`: from t to t+1 the event's hazard is 1 when t+1 >= d);
the backward induction uses the transitions of each period, and beyond the last date
they are constant again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.scenario import Scenario

__all__ = ["dated_hazards", "event_state_labels", "event_states", "transition_matrix"]


def event_state_labels(scn: Scenario) -> list[str]:
    """Human labels of the 2**k event states: ``'none'`` or ``'a+b'``."""
    ids = scn.event_ids
    out = []
    for s in range(2 ** len(ids)):
        fired = [ids[e] for e in range(len(ids)) if s >> e & 1]
        out.append("+".join(fired) if fired else "none")
    return out


def transition_matrix(hazards: np.ndarray) -> np.ndarray:
    """P[n, s, s']: probability of moving from event state s to s' in one period.

    ``hazards`` is (n, k), each event's per-period hazard.
    """
    n, k = hazards.shape
    S = 2**k
    P = np.zeros((n, S, S))
    for s in range(S):
        for s2 in range(S):
            if s & ~s2:
                continue  # events are one-way
            prob = np.ones(n)
            for e in range(k):
                if s >> e & 1:
                    continue
                prob = prob * (hazards[:, e] if s2 >> e & 1 else 1.0 - hazards[:, e])
            P[:, s, s2] = prob
    return P


def dated_hazards(hazards: np.ndarray, dates: np.ndarray, t: int) -> np.ndarray:
    """(n, k) the hazards of the move from period t to t+1: 1 for an event whose date
    (``dates``, (n, k) periods, ``inf`` for none) is t+1 or earlier."""
    return np.where(dates <= t + 1, 1.0, hazards)


def event_states(
    hazards: np.ndarray, u: np.ndarray, horizon: int, dates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Realised event state per draw and period (n, T+1) and each event's period (n, k).

    Uniforms u (n, k) fix the times. The event period is the first period whose state
    includes the event (``inf`` if never).

    Event e happens during period tau_e (so it is in the state from tau_e + 1 on), where
    tau_e is geometric with the event's per-period hazard: floor(log u / log(1 - hazard)),
    or d_e - 1 if the event's date d_e (``dates``) comes first.
    """
    n, k = u.shape
    t = np.arange(horizon + 1)
    state = np.zeros((n, horizon + 1), dtype=np.int64)
    period = np.empty((n, k))
    for e in range(k):
        h = hazards[:, e]
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = np.floor(np.log(u[:, e]) / np.log1p(-h))
        tau = np.where(h >= 1.0, 0.0, np.where(h <= 0.0, np.inf, tau))
        if dates is not None:
            tau = np.minimum(tau, dates[:, e] - 1.0)
        state |= (t[None, :] > tau[:, None]).astype(np.int64) << e
        period[:, e] = tau + 1.0
    return state, period
