"""Reading figures through their Axes."""

from __future__ import annotations


def legend_texts(ax) -> list[str]:
    """The texts of the Axes' legend (it must have one)."""
    legend = ax.get_legend()
    assert legend is not None, "the figure has no legend"
    return [t.get_text() for t in legend.get_texts()]
