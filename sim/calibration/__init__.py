"""Calibration: histories an analyst knows weigh the beliefs a scenario shares with them.

``sim calibrate CASE... --out DIR`` takes scenarios whose ``observed`` block says what
happened (:mod:`sim.scenario.observed`: accepted or not; broke after so many years, by
whom; held at least so long; or a survival table of a reference class of ``cases``
ceasefires) and returns a posterior over the beliefs the cases share
(:mod:`~sim.calibration.sharing`), which ``sim run FILE --posterior DIR`` then samples
instead of the file's priors (:mod:`sim.montecarlo.posterior`).

The statistics, in order:

1. **Likelihood.** For each draw the model gives survival and breakdowns by breaker per
   period, so the probability of each observation is exact
   (:mod:`~sim.calibration.observation`); no tolerance is needed, as it would be in
   approximate Bayesian computation. With private information it is the mixture over
   the informed actor's true type.
2. **Particles.** A particle holds the shared beliefs and, for each case, its own beliefs
   and event times, all as standard normal coordinates mapped through the priors'
   inverse CDFs (:mod:`~sim.calibration.cases`). Its weight is the product of the cases'
   probabilities. The posterior of the shared beliefs is the marginal of this joint
   posterior, so each case's own beliefs are integrated out with it; one particle is
   one unbiased draw of each case's integrated likelihood.
3. **Sampling** (:mod:`~sim.calibration.smc`): importance sampling from the prior (a Latin
   hypercube, as runs sample); if the effective sample size would fall below half the
   particles, adaptive tempering with resampling and prior-preserving (pCN) Metropolis
   moves, block by block, until the full likelihood is reached. Why not pyabc: there.
4. **Checks** (:mod:`~sim.calibration.summaries`): prior and posterior predictive
   probability of each case's observation, survival of an agreed ceasefire before and
   after (for a survival table, at the table's times: ``posterior_survival``), the
   posterior of the informed actor's type, and how far each shared belief moved.
5. **Honesty.** An error naming a case that no prior draw can give (the model with those
   beliefs cannot tell that story), and a :class:`~sim.errors.CalibrationWarning` when the
   posterior rests on fewer than :data:`MIN_ESS` effective draws.

Reproducibility: one seed fixes every number. The prior population comes from the seed's
parameter stream, every resampling and move from ``STREAM_CALIBRATION``, and each
particle is solved on its own in a chunk of any size on any worker, so the weights do
not depend on ``--chunk-size`` or ``--workers``.

Modules: :mod:`~sim.calibration.observation`, :mod:`~sim.calibration.sharing`,
:mod:`~sim.calibration.cases`, :mod:`~sim.calibration.smc`,
:mod:`~sim.calibration.summaries`, :mod:`~sim.calibration.calibrate` (:func:`calibrate`),
:mod:`~sim.calibration.output` (the folder).
"""

from sim.calibration.calibrate import DEFAULT_DRAWS, METHOD, MIN_ESS, Calibration, calibrate
from sim.calibration.cases import Case, Cases
from sim.calibration.observation import Observation, log_probability
from sim.calibration.output import write_calibration
from sim.calibration.sharing import Sharing, find_shared
from sim.calibration.smc import ess, systematic, temper
from sim.calibration.summaries import weighted_quantiles
from sim.errors import CalibrationError, CalibrationWarning

__all__ = [
    "DEFAULT_DRAWS",
    "METHOD",
    "MIN_ESS",
    "Calibration",
    "CalibrationError",
    "CalibrationWarning",
    "Case",
    "Cases",
    "Observation",
    "Sharing",
    "calibrate",
    "ess",
    "find_shared",
    "log_probability",
    "systematic",
    "temper",
    "weighted_quantiles",
    "write_calibration",
]
