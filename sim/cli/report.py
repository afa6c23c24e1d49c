"""``sim report``: one self-contained HTML page of a saved run, or of several side by side."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["report"]


@click.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="The HTML file (default: beside the run, DIR.html; for several runs, beside the "
    "first, A_vs_B.html).",
)
@click.option(
    "--figures",
    type=click.Choice(["svg", "png"]),
    default="svg",
    show_default=True,
    help="How the figures are inlined in the page.",
)
@click.option(
    "--discovery",
    type=click.Path(path_type=Path),
    multiple=True,
    help="A folder `sim explain` wrote for the run (may be repeated; default: every one "
    "beside the run).",
)
def report(folders: tuple[Path, ...], out: Path | None, figures: str, discovery: tuple[Path, ...]):
    """Write a brief of the saved result FOLDERS: one HTML page to open, print or send.

    One folder: its headline figures, the story in words, the figures, the terms, the
    assumptions and the provenance. Several: a comparison page.
    """
    from sim import api

    path = api.report(list(folders), out=out, figures=figures, discovery=list(discovery) or None)
    click.echo(f"wrote {path}")
