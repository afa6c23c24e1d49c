"""Beliefs: distributions written in a scenario, their shorthand grammar, and the samplers.

A belief is an uncertain number: ``uniform(0.1, 0.3)``, ``choice([4, 0.5], [0.6, 0.4])``
or a mapping ``{dist: normal, mu: 2, sd: 0.5}``. Text is parsed by a small grammar and
never evaluated. Samplers give uniform points whose rows depend only on (seed, draw
index), mapped through each distribution's inverse CDF.

Modules, in the order a belief meets them:

* :mod:`~sim.beliefs.literals`: finite numbers, the number syntax, :class:`DistributionError`;
* :mod:`~sim.beliefs.distributions`: the distribution classes and their ``ppf``;
* :mod:`~sim.beliefs.categorical`: a belief about a name (the selection rule), and its
  ``pick``;
* :mod:`~sim.beliefs.grammar`: the shorthand parser, the mapping form and :func:`parse`;
* :mod:`~sim.beliefs.samplers`: uniform points (random, LHS, Sobol', and the Saltelli design
  for Sobol' indices) and the random streams.

Importing this package does not import ``scipy.stats`` (see
:mod:`sim.beliefs.distributions`).
"""

from sim.beliefs.categorical import Categorical
from sim.beliefs.distributions import (
    ALLOWED_FORMS,
    DISTRIBUTIONS,
    MAX_BETA_SHAPE,
    MIN_TRUNCATION_MASS,
    U_CLIP,
    Beta,
    Choice,
    Distribution,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
)
from sim.beliefs.grammar import (
    from_mapping,
    looks_like_distribution,
    parse,
    parse_categorical,
    parse_shorthand,
)
from sim.beliefs.literals import MAX_LIST_LENGTH, MAX_TEXT_LENGTH, DistributionError
from sim.beliefs.samplers import (
    METHODS,
    STREAM_BOOTSTRAP,
    STREAM_BREAKS,
    STREAM_CALIBRATION,
    STREAM_EVENTS,
    STREAM_PARAMS,
    STREAM_POSTERIOR,
    STREAM_SALTELLI,
    STREAM_SOBOL,
    STREAM_TYPES,
    block_generator,
    saltelli_layout,
    uniform_points,
)

__all__ = [
    "ALLOWED_FORMS",
    "DISTRIBUTIONS",
    "MAX_BETA_SHAPE",
    "MAX_LIST_LENGTH",
    "MAX_TEXT_LENGTH",
    "METHODS",
    "MIN_TRUNCATION_MASS",
    "STREAM_BOOTSTRAP",
    "STREAM_BREAKS",
    "STREAM_CALIBRATION",
    "STREAM_EVENTS",
    "STREAM_PARAMS",
    "STREAM_SALTELLI",
    "STREAM_POSTERIOR",
    "STREAM_SOBOL",
    "STREAM_TYPES",
    "U_CLIP",
    "Beta",
    "Categorical",
    "Choice",
    "Distribution",
    "DistributionError",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
    "block_generator",
    "from_mapping",
    "looks_like_distribution",
    "parse",
    "parse_categorical",
    "parse_shorthand",
    "saltelli_layout",
    "uniform_points",
]
