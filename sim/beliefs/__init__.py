"""Beliefs: distributions written in a scenario, their shorthand grammar, and the samplers.

A belief is an uncertain number: ``uniform(0.1, 0.3)``, ``choice([4, 0.5], [0.6, 0.4])``
or a mapping ``{dist: normal, mu: 2, sd: 0.5}``. Text is parsed by a small grammar and
never evaluated. Samplers give uniform points whose rows depend only on (seed, draw
index), mapped through each distribution's inverse CDF.
"""

from sim.beliefs.distributions import (
    ALLOWED_FORMS,
    MAX_BETA_SHAPE,
    MAX_LIST_LENGTH,
    MAX_TEXT_LENGTH,
    METHODS,
    MIN_TRUNCATION_MASS,
    STREAM_BREAKS,
    STREAM_EVENTS,
    STREAM_PARAMS,
    STREAM_SOBOL,
    U_CLIP,
    Beta,
    Choice,
    Distribution,
    DistributionError,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
    block_generator,
    from_mapping,
    looks_like_distribution,
    parse,
    parse_shorthand,
    uniform_points,
)

__all__ = [
    "ALLOWED_FORMS",
    "MAX_BETA_SHAPE",
    "MAX_LIST_LENGTH",
    "MAX_TEXT_LENGTH",
    "METHODS",
    "MIN_TRUNCATION_MASS",
    "STREAM_BREAKS",
    "STREAM_EVENTS",
    "STREAM_PARAMS",
    "STREAM_SOBOL",
    "U_CLIP",
    "Beta",
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
    "parse_shorthand",
    "uniform_points",
]
