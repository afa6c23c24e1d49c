"""The game model: stakes, shifting power, events, mechanisms, private information, stage
games, backward induction.

Everything here is vectorised over a chunk of Monte Carlo draws. Notation: actor A
(first in the file, row player) and B; periods t = 0 .. T-1; event states s = bit masks
of the events that have happened (S = 2**k states).

Per draw and event state:

* **Stakes, in units fixed at signing.** Each actor's region values are normalised once,
  in the state before any event, so that one period of the whole stake as it valued it at
  signing is worth 1 (:meth:`Inputs._values`). An event that changes a valuation changes
  the size of the stake in that unit, while war costs and flows keep theirs: a leadership
  that turns to limited aims values the stake less, so a war's fixed cost weighs more.
  (The alternative, normalising every state to 1, made such a leader find war cheaper:
  an effect with the wrong sign.) Terms give A the share h(r) of region r (an event may
  change h: a phased withdrawal, a handover at a date); the peace flow is
  x_A = sum_r h(r) v_A(r) + f_A and x_B = sum_r (1 - h(r)) v_B(r) + f_B.
* **Power.** K_i(t+1) = K_i(t) + rate_i (Kmax_i - K_i(t)), i.e.
  K_i(t) = Kmax_i - (Kmax_i - K_i(0)) (1 - rate_i)**t, where
  Kmax_i = ceiling_i * (1 + sum_r held_i(r) effects.ceiling(r)) and
  rate_i = clip(rebuild_rate_i + sum_r held_i(r) effects.growth(r), 0, 1), with the
  parameters of the event state. A draw's capacity path in state s is the path of that
  state from t = 0; an event that changes a capacity is a jump, the path of the states
  after it starting from the new value (the documented approximation: path dependence
  beyond that is not tracked).
* **War.** Effective strength a = K_A (1 + sum_r held_A(r) effects.power(r)), times
  (1 + first_strike) for a side that attacks first. A wins with the Tullock probability
  p = a**γ / (a**γ + b**γ), computed as expit(γ (log a - log b)) so capacities of 1e-12
  or 1e12 stay exact. Who wins is decided when the war starts; what each side then holds
  is worth the discounted flows of the outcome *while events keep their hazards* (a
  Markov chain that runs in war as in peace: Ubar_i(w) = (I - δ_i P)^-1 U_i(w), with
  U_i(w) = sum_r held_i^w(r) v_i(r) + war_flow_i), so
  W_i = p Ubar_i(A wins) + (1-p) Ubar_i(B wins) - c_i. Without events this is the familiar
  lottery over perpetual flows, [p U_i(A) + (1-p) U_i(B)] / (1-δ_i) - c_i.
* **Mechanisms** (:mod:`~sim.model.mechanisms`), in the states where they are active: a
  guarantee, a patron's restraint or peacekeepers add an expected lump-sum cost
  (credibility x cost) to attacking a side that holds; peacekeepers cut the first-strike
  bonus and the incident hazard, monitoring the incident hazard; support scales a side's
  capacity and ceiling; monitoring with private information reveals the type.
* **Stage game** at t in state s, strategies 0 = Hold, 1 = Attack::

                 B holds            B attacks
      A holds    H_A, H_B           W^{B first}
      A attacks  W^{A first}        W^{neutral}

  with H_i = x_i + δ_i [(1-λ) E_s' V_i(t+1, s') + λ E_s' W_i^{neutral}(t+1, s')],
  where E_s' is the expectation over next period's event state (players know the hazards,
  and the dates: a dated event makes the transitions depend on t) and λ the incident
  hazard. V_i(t, s) is the payoff of the selected equilibrium (a Nash equilibrium picked
  by :func:`sim.games.select_2x2`, or the logit quantal response equilibrium of
  :mod:`sim.games.qre`), computed backward from the terminal game at T.
* **Beyond the horizon** power is frozen but events keep running: the terminal game is
  the stationary Markov game over event states, solved by policy iteration, in which
  holding pays the terms kept forever with incidents (the fixed point of
  P_i = x_i + δ_i [(1-λ) E P_i(s') + λ E W_i(s')]; without events
  (x_i + δ_i λ W_i) / (1 - δ_i (1-λ))). Freezing events too, the alternative, made the
  figures move with the horizon.
* **Private information** (:mod:`~sim.model.private`, :mod:`~sim.model.bayes`,
  :mod:`~sim.model.forward`): one actor may have types that the other side knows only by
  their priors. The game is then solved as a perfect Bayesian equilibrium over (period,
  event state, set of types not yet ruled out); every quiet period rules out the types
  that would have attacked, which is why a ceasefire that has held becomes safer (a
  falling hazard). A draw's figures mix its types with the prior; its true type is drawn
  for its story.
* **Hazard** of breakdown at t on the draw's realised event path:
  h_t = 1 - (1-σ_A)(1-σ_B)(1-λ), with σ_i the selected probability that i attacks.
* **Acceptance.** At t = 0 (no event yet) side i rejects the terms if its ceasefire value
  V_i(0) is below fighting on now, W_i^neutral(0), or if the selected t = 0 equilibrium has
  it attacking for sure.
* **Causes.** A breakdown (or rejection) that is not an incident is attributed to
  ``commitment`` when Powell's condition holds at t for either side (see
  :func:`commitment_flags`: even the best split now and the most the other side can be
  held to later leave the side better off at war: no bargain exists; with regions that
  move power, each split's own effect on next period's power is counted,
  :mod:`~sim.model.splits`); else to ``terms`` when a side that attacks preferred a
  first-strike war to these terms kept forever already at signing (a better split would
  have satisfied it: the terms are the problem); to ``shift`` when it did not at signing
  and does now (power or preferences shifted since: the essay's "pause to rebuild"); to
  ``information`` when, with types, the uninformed side attacks a type it would leave in
  peace if it knew it; else to ``preemption``: both would keep these terms if each trusted
  the other to, but fear of being attacked first (the stag hunt that first-strike
  advantages create, now or anticipated later) breaks them. ``preemption`` is kept apart
  from ``terms`` because no change of terms removes the fear of being attacked first;
  demilitarised zones and guarantees do. It never occurs with ``selection: peaceful``
  unless events make a side's future attack foreseeable.

Modules, in the order the data flows through them: :mod:`~sim.model.params` (the typed
parameters a chunk of draws is solved for), :mod:`~sim.model.events` (event states,
dated and time-dependent transitions, each draw's path), :mod:`~sim.model.mechanisms`
(what the agreement's machinery does, per state), :mod:`~sim.model.inputs` (stakes,
power and war values per draw and state), :mod:`~sim.model.stage` (the stage game of one
period), :mod:`~sim.model.causes` and :mod:`~sim.model.splits` (the commitment test),
:mod:`~sim.model.backward` (backward induction, acceptance, survival), and with types
:mod:`~sim.model.bayes`, :mod:`~sim.model.private` and :mod:`~sim.model.forward`.
"""

from sim.model.backward import ChunkOutput, solve_chunk
from sim.model.causes import TOL, Frontier, commitment_flags
from sim.model.events import event_state_labels, event_states, transition_matrix
from sim.model.inputs import Inputs
from sim.model.params import ActorParams, Params, Quantity, RegionParams
from sim.model.rows import put_rows, take_rows

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
    "put_rows",
    "solve_chunk",
    "take_rows",
    "transition_matrix",
]
