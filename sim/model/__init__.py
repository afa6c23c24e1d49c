"""The game model: stakes, shifting power, events, stage games and backward induction.

The full statement of the model is the docstring of :mod:`sim.model.core`.
"""

from sim.model.core import CAUSES, TOL, ChunkOutput, event_state_labels, solve_chunk

__all__ = ["CAUSES", "TOL", "ChunkOutput", "event_state_labels", "solve_chunk"]
