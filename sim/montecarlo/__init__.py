"""The Monte Carlo layer: sample beliefs, solve draws in chunks, summarise exactly."""

from sim.montecarlo.core import DEFAULT_CHUNK, POWER_DRAWS, RunOptions, milestones, run

__all__ = ["DEFAULT_CHUNK", "POWER_DRAWS", "RunOptions", "milestones", "run"]
