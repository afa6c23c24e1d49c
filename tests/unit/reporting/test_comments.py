"""What a scenario file's comments say of each number: the parser, on made-up lines and on
every shipped scenario."""

from __future__ import annotations

import pytest

from sim.reporting.comments import comment_above, comment_kind, key_comments, trailing_comment
from sim.scenario import load_scenario
from tests.helpers import FREEZE, ROOT

SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize(
    "line,comment",
    [
        ("war_cost: lognormal(1.8, 0.7)   # judgement: median 6", "judgement: median 6"),
        ("war_cost: 2.0", ""),
        ("# a whole-line comment", "a whole-line comment"),
        ('label: "No. #1 # not a comment"  # public figure', "public figure"),
        ("label: 'it''s # quoted'  # judgement", "judgement"),
        ('label: "say \\"#\\" here" # ok', "ok"),
        ("label: Russia's force # judgement", "judgement"),  # an apostrophe is no quote
        ("label: a#b", ""),  # '#' not after a space is text
        ('value: {russia: 1.0, ukraine: "uniform(0.3, 1.0)"}   # judgement; x', "judgement; x"),
        ("value: [1, 2]\t# tab before", "tab before"),
        ("url: http://example.org/#frag", ""),
    ],
)
def test_trailing_comment(line, comment):
    assert trailing_comment(line) == comment


def test_comment_above_is_the_adjacent_block_only():
    lines = [
        "# file header",
        "",
        "war:",
        "  # Bonus to the side",
        "  # that attacks first.",
        "  #",
        "  # Second paragraph.",
        "  first_strike: uniform(0, 0.3)  # judgement (see comment above)",
        "  decisiveness: 2  # judgement",
    ]
    assert comment_above(lines, 7) == "Bonus to the side that attacks first. Second paragraph."
    assert comment_above(lines, 8) == ""  # the line above is a key, not a comment
    assert comment_above(lines, 2) == ""  # a blank line ends the block
    assert comment_above(lines, 0) == ""


@pytest.mark.parametrize(
    "text,kind",
    [
        ("public figure (see sources): 26,081 km2", "public figure"),
        ("Public figure", "public figure"),
        ("judgement: per quarter", "judgement"),
        ("judgment (US spelling)", "judgement"),
        ("flagship belief", ""),
        ("", ""),
    ],
)
def test_comment_kind(text, kind):
    assert comment_kind(text) == kind


def test_key_comments_of_the_flagship():
    scn = load_scenario(FREEZE)
    c = key_comments(scn.source_text, scn.uncertain())
    assert set(c) == set(scn.uncertain())
    # its own line
    war_cost = c["actors.ukraine.war_cost"]
    assert war_cost.text.startswith("judgement: as Russia's (median 6 quarters")
    assert war_cost.kind == "judgement" and war_cost.above == ""  # its line says enough
    assert scn.source_text.splitlines()[war_cost.line - 1].lstrip().startswith("war_cost:")
    # a flow mapping: both values on one line share its comment
    assert c["regions.crimea.value.ukraine"].text.startswith("judgement; Russia's 1.0")
    # "see comment above": the block above is read too
    fs = c["war.first_strike"]
    assert fs.text == "judgement (see comment above)"
    assert fs.above.startswith("Bonus to the strength of the side that attacks first")
    assert "0.3 stands for a surprise offensive" in fs.above
    # an event change, whose key holds dots
    change = c["events.leadership_change.changes.regions.independence.value.russia"]
    assert change.text == "judgement: limited aims value control of Kyiv little"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_uncertain_belief_of_a_shipped_scenario_has_its_comment(path):
    """The shipped files comment every number; the parser finds each belief's comment."""
    scn = load_scenario(path)
    comments = key_comments(scn.source_text, scn.uncertain())
    missing = [k for k, c in comments.items() if not (c.text or c.above)]
    assert not missing
    lines = scn.source_text.splitlines()
    for key, c in comments.items():
        assert c.text in lines[c.line - 1], key  # the comment comes from the key's own line


def test_overrides_and_keys_not_in_the_file():
    scn = load_scenario(FREEZE, overrides=["war.first_strike=uniform(0, 0.1)"])
    c = key_comments(scn.source_text, ["war.first_strike", "war.nothing"], scn.overrides)
    assert c["war.first_strike"].kind == "--set"
    assert (
        c["war.first_strike"].text
        == "set on the command line: --set war.first_strike=uniform(0, 0.1)"
    )
    assert c["war.nothing"].text == "" and c["war.nothing"].line is None


def test_text_that_is_not_a_scenario_gives_empty_comments():
    for text in ("", "[1, 2", "- a list\n- not a mapping\n"):
        c = key_comments(text, ["war.first_strike"])
        assert c["war.first_strike"].text == ""
