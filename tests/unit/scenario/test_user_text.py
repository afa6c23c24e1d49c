"""User text in a scenario: control characters refused, lengths capped, long keys cut.

Titles and labels reach terminals (where ESC starts a command), SVG (XML cannot hold most
control characters) and matplotlib layout (minutes for a 900,000-character title): the
format refuses what no medium can show and caps what would take too long to lay out.
Markup (``$`` for matplotlib, ``[/b]`` for rich) is ordinary text here: it is escaped on
the way out (tests/unit/plots, tests/integration/test_cli_text.py).
"""

from __future__ import annotations

import pytest

from sim.scenario import ScenarioError, load_scenario, parse_scenario_text
from sim.scenario.keys import LABEL_CHARS, TITLE_CHARS
from tests.helpers import FREEZE
from tests.unit.scenario.helpers import FILE, check, dump, minimal, with_


@pytest.mark.parametrize(
    "path,value,message",
    [
        ("title", "Plan \x1b[2J B", "control character (U+001B) at character 6"),
        ("title", "line one\nline two", "line break or tab (U+000A)"),
        ("title", "tab\there", "line break or tab (U+0009)"),
        ("title", "bell \x07", "U+0007"),
        ("title", "right-to-left \u202e override", "U+202E"),
        ("title", "x" * (TITLE_CHARS + 1), f"at most {TITLE_CHARS} characters"),
        ("actors.a.label", "y" * (LABEL_CHARS + 1), f"at most {LABEL_CHARS} characters"),
        ("regions.r.label", "r\x00", "U+0000"),
        ("description", "two\nlines and a \x1b", "U+001B"),
        ("name", "n" * (LABEL_CHARS + 1), f"at most {LABEL_CHARS} characters"),
    ],
)
def test_text_with_controls_or_too_long_is_refused(path, value, message):
    check(with_(path, value), path, message)


def test_multi_line_text_may_hold_line_breaks_and_markup_is_ordinary_text():
    data = with_("description", "first line\n\tsecond line")
    data["title"] = "Cost a $^$ b, Plan [/b] B"
    data["actors"]["a"]["label"] = "A [bold]x[/bold] $x$"
    scn = parse_scenario_text(dump(data), FILE)
    assert scn.title == "Cost a $^$ b, Plan [/b] B"
    assert scn.display_name("a") == "A [bold]x[/bold] $x$"


def test_a_title_with_a_control_character_is_refused_in_set_too():
    with pytest.raises(ScenarioError) as info:
        load_scenario(FREEZE, ['title="Plan \\e[31m red"'])
    (problem,) = info.value.problems
    assert problem.file == "--set" and problem.path == "title"
    assert "U+001B" in problem.message


def test_the_format_table_states_the_caps():
    from sim.scenario import format_table

    table = format_table()
    assert f"| `title` | one line of text, at most {TITLE_CHARS} characters |" in table
    assert f"| `actors.<id>.label` | one line of text, at most {LABEL_CHARS} characters |" in table


@pytest.mark.parametrize("where", ["file", "set"])
def test_an_unknown_key_of_500000_characters_is_not_echoed_whole(where):
    long_key = "k" * 500_000
    with pytest.raises(ScenarioError) as info:
        if where == "file":
            data = minimal()
            data[long_key] = 1
            parse_scenario_text(dump(data), FILE)
        else:
            load_scenario(FREEZE, [f"war.{long_key}=1"])
    text = str(info.value)
    assert len(text) < 600, len(text)
    assert "unknown key" in text and "(500,0" in text  # says how long the key was
