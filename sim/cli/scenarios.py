"""``sim validate`` and ``sim schema``: the scenario format, without running anything.

Both stay fast: they import the scenario layer only, inside the command.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sim.cli.common import EXIT_USAGE

__all__ = ["schema", "validate"]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a key path before checking."
)
def validate(files: tuple[Path, ...], sets: tuple[str, ...]) -> None:
    """Check scenario FILES; exit 1 listing every problem (file:line: key.path: message)."""
    from sim.scenario import ScenarioError, load_scenario

    bad = 0
    for f in files:
        try:
            scn = load_scenario(f, overrides=list(sets) or None)
        except ScenarioError as exc:
            bad += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        n_unc = len(scn.uncertain())
        click.echo(
            f"{f}: ok ({len(scn.regions)} regions, {len(scn.events)} events, "
            f"{n_unc} uncertain numbers)"
        )
    if bad:
        click.echo(f"{bad} of {len(files)} file{'s' if len(files) != 1 else ''} invalid", err=True)
        sys.exit(EXIT_USAGE)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    from sim.scenario import json_schema

    click.echo(json.dumps(json_schema(), indent=2))
