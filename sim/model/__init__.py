"""The game model: stakes, shifting power, events, stage games, backward induction.

Everything here is vectorised over a chunk of Monte Carlo draws. Notation: actor A
(first in the file, row player) and B; periods t = 0 .. T-1; event states s = bit masks
of the events that have happened (S = 2**k states).

Per draw and event state:

* **Stakes.** Region values v_i(r) are normalised so that each actor's values sum to 1:
  one period of the whole stake is worth 1 to each side. Terms give A the share
  h(r) of region r; the peace flow is x_A = sum_r h(r) v_A(r) + f_A and
  x_B = sum_r (1 - h(r)) v_B(r) + f_B.
* **Power.** K_i(t+1) = K_i(t) + rate_i (Kmax_i - K_i(t)), i.e.
  K_i(t) = Kmax_i - (Kmax_i - K_i(0)) (1 - rate_i)**t, where
  Kmax_i = ceiling_i * (1 + sum_r held_i(r) effects.ceiling(r)) and
  rate_i = clip(rebuild_rate_i + sum_r held_i(r) effects.growth(r), 0, 1), with the
  parameters of the event state. A draw's capacity path in state s is the path of that
  state from t = 0 (the documented approximation: after an event, capacities follow the
  new state's path; path dependence beyond that is not tracked).
* **War.** Effective strength a = K_A (1 + sum_r held_A(r) effects.power(r)), times
  (1 + first_strike) for a side that attacks first. A wins with the Tullock probability
  p = a**γ / (a**γ + b**γ), computed as expit(γ (log a - log b)) so capacities of 1e-12
  or 1e12 stay exact. War at t gives i the lottery over the two outcomes as a perpetual
  flow minus the lump-sum cost: W_i = [p U_i(A wins) + (1-p) U_i(B wins)] / (1-δ_i) - c_i,
  where U_i(w) = sum_r held_i^w(r) v_i(r) + war_flow_i.
* **Stage game** at t in state s, strategies 0 = Hold, 1 = Attack::

                 B holds            B attacks
      A holds    H_A, H_B           W^{B first}
      A attacks  W^{A first}        W^{neutral}

  with H_i = x_i + δ_i [(1-λ) E_s' V_i(t+1, s') + λ E_s' W_i^{neutral}(t+1, s')],
  where E_s' is the expectation over next period's event state (players know the hazards)
  and λ the incident hazard. V_i(t, s) is the payoff of the selected equilibrium
  (:func:`sim.games.select_2x2`), computed backward from the stationary game at T.
* **Beyond the horizon** power and events are frozen; holding pays the stationary
  ceasefire value with incidents, (x_i + δ_i λ W_i^neutral) / (1 - δ_i (1-λ)) (this reduces
  to the plain x_i / (1-δ_i) when λ = 0, and keeps incidents from vanishing at T).
* **Hazard** of breakdown at t on the draw's realised event path:
  h_t = 1 - (1-σ_A)(1-σ_B)(1-λ), with σ_i the selected probability that i attacks.
* **Acceptance.** At t = 0 (no event yet) side i rejects the terms if its ceasefire value
  V_i(0) is below fighting on now, W_i^neutral(0), or if the selected t = 0 equilibrium has
  it attacking for sure.
* **Causes.** A breakdown (or rejection) that is not an incident is attributed to
  ``commitment`` when Powell's condition holds at t for either side (see
  :func:`commitment_flags`: even the best split now and the most the other side can be
  held to later leave the side better off at war: no bargain exists); else to ``terms``
  when some side prefers a first-strike war even to these terms kept forever (a better
  split would satisfy it: the terms are the problem); else to ``preemption``: both
  would keep these terms if each trusted the other to, but fear of being attacked first
  (the stag hunt that first-strike advantages create, now or anticipated later) breaks
  them. ``preemption`` is a fourth cause beside the usual three: folding a security
  dilemma into ``terms`` would tell a user to change the terms when no change of terms
  removes the fear of being attacked first; demilitarised zones and guarantees
  (lower ``war.first_strike``) do. It never occurs with ``selection: peaceful`` unless
  events make a side's future attack foreseeable.

Modules, in the order the data flows through them: :mod:`~sim.model.params` (the typed
parameters a chunk of draws is solved for), :mod:`~sim.model.events` (event states,
transitions, each draw's path), :mod:`~sim.model.inputs` (stakes, power and war values
per draw and state), :mod:`~sim.model.stage` (the stage game of one period),
:mod:`~sim.model.causes` (the commitment test), :mod:`~sim.model.backward` (backward
induction, acceptance, survival).
"""

from sim.model.backward import ChunkOutput, solve_chunk
from sim.model.causes import TOL, Frontier, commitment_flags
from sim.model.events import event_state_labels, event_states, transition_matrix
from sim.model.inputs import Inputs
from sim.model.params import ActorParams, Params, Quantity, RegionParams

__all__ = [
    "TOL",
    "ActorParams",
    "ChunkOutput",
    "Frontier",
    "Inputs",
    "Params",
    "Quantity",
    "RegionParams",
    "commitment_flags",
    "event_state_labels",
    "event_states",
    "solve_chunk",
    "transition_matrix",
]
