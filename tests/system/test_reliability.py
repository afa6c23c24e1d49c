"""Reliability: hand-written YAML, broken output folders, full disks.

* Fuzzing: hypothesis mutates a valid scenario (keys dropped, renamed, retyped, values
  pushed out of range, distributions malformed, YAML text broken, code-execution
  payloads, ``--set`` overrides) and sends every case through ``sim validate`` and
  ``sim run`` (click's CliRunner, 5 draws, horizon 3). Each case must end in exit 0 or
  exit 1 with a message naming a key path (or a YAML line); never a traceback, a hang,
  an executed payload, or a result holding a NaN. The same case generator drives the
  long campaign in ``benchmarks/fuzz.py``.
* Output errors: an unwritable ``--out``, a full disk, a file where a folder should be,
  a folder of someone else's files: exit 1, a message that says what to do, and no
  partial result.

The result folder writer itself (stale temporary folders, the atomic swap, the
probability guard) is tested in ``tests/unit/io``.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.io import ResultError, ResultWriter, atomic, check_result, load_result
from sim.io import writer as writer_mod
from tests.helpers import ROOT  # noqa: E402

FREEZE = ROOT / "scenarios" / "freeze_lines.yaml"

# ---------------------------------------------------------------------------------------
# the fuzz case generator (also used by benchmarks/fuzz.py)

BASE: dict[str, Any] = {
    "title": "fuzz base",
    "period": "year",
    "horizon": 3,
    "actors": {
        "a": {
            "discount": 0.9,
            "war_cost": 2.0,
            "capacity": 1.0,
            "ceiling": "uniform(1.0, 1.5)",
            "rebuild_rate": 0.1,
            "flow": 0.0,
            "war_flow": -0.1,
        },
        "b": {
            "discount": "uniform(0.85, 0.95)",
            "war_cost": {"dist": "triangular", "low": 1, "mode": 2, "high": 4},
            "capacity": 1.0,
        },
    },
    "regions": {
        "r1": {
            "value": {"a": 1.0, "b": "uniform(0.5, 1.0)"},
            "effects": {"power": 0.1, "growth": 0.01, "ceiling": 0.05},
        },
        "r2": {"value": {"a": 0.5, "b": 1.0}},
    },
    "terms": {"r1": "a", "r2": {"a": 0.5, "b": 0.5}},
    "war": {
        "decisiveness": 1.5,
        "first_strike": 0.1,
        "incident_hazard": 0.01,
        "outcomes": {"b": {"r1": {"b": "uniform(0, 1)"}}},
    },
    "events": {"e1": {"hazard": 0.1, "changes": {"actors.b.ceiling": 0.8}}},
    "solver": {"method": "batched", "selection": "peaceful"},
    "montecarlo": {"draws": 5, "seed": 1, "sampler": "lhs"},
}


def _shipped_bases() -> list[dict]:
    """The shipped scenarios that validate now, horizon capped at 3 (fast runs)."""
    from sim.scenario import ScenarioError, parse_scenario_text

    out = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data["horizon"] = min(int(data.get("horizon", 3)), 3)
            parse_scenario_text(yaml.safe_dump(data, sort_keys=False), path.name)
        except (OSError, ValueError, TypeError, yaml.YAMLError, ScenarioError):
            continue  # a scenario being edited right now is not a base
        out.append(data)
    return out


#: What the fuzzer mutates: the small BASE (twice as often) and every shipped scenario.
BASES = [BASE, BASE, *_shipped_bases()]

#: (lo, hi) of each numeric key (by its last path component); None = unbounded.
RANGES = {
    "discount": (0.0, 1.0),
    "war_cost": (0.0, None),
    "capacity": (0.0, None),
    "ceiling": (-1.0, None),
    "rebuild_rate": (0.0, 1.0),
    "flow": (None, None),
    "war_flow": (None, None),
    "power": (-1.0, None),
    "growth": (-1.0, 1.0),
    "decisiveness": (0.0, None),
    "first_strike": (-1.0, None),
    "incident_hazard": (0.0, 1.0),
    "hazard": (0.0, 1.0),
    "horizon": (1, 10_000),
    "draws": (1, 100_000_000),
    "seed": (0, 2**63 - 1),
    "a": (0.0, 1.0),
    "b": (0.0, 1.0),
}

MARKER_TOKEN = "__MARKER__"  # replaced by a per-case file path that must never be created

PAYLOADS_YAML = [  # whole-value YAML text: tags that would run code under an unsafe loader
    f'!!python/object/apply:os.system ["touch {MARKER_TOKEN}"]',
    f'!!python/object/apply:subprocess.check_output [["touch", "{MARKER_TOKEN}"]]',
    f'!!python/object/new:os.system ["touch {MARKER_TOKEN}"]',
    "!!python/name:os.system",
    "!!python/module:os",
    f"!!python/object/apply:builtins.eval [\"__import__('os').system('touch {MARKER_TOKEN}')\"]",
    "!!binary aGVsbG8=",
    "!custom 1",
]
PAYLOADS_STR = [  # strings that would run code if a distribution were eval'ed
    f"__import__('os').system('touch {MARKER_TOKEN}')",
    f"uniform(__import__('os').system('touch {MARKER_TOKEN}'), 1)",
    f"uniform(0, 1) or open('{MARKER_TOKEN}', 'w')",
    f"choice([open('{MARKER_TOKEN}', 'w')], [1])",
    "eval('1')",
    "exec('1')",
    "{{7*7}}",
    "${HOME}",
    f"$(touch {MARKER_TOKEN})",
    f"`touch {MARKER_TOKEN}`",
]
BAD_DISTRIBUTIONS = [
    "uniform(1,",
    "uniform(2, 1)",
    "uniform(1, 1)",
    "uniform()",
    "uniform(0, 1, 2)",
    "uniform(a, b)",
    "normal(0)",
    "normal(0, -1)",
    "normal(0, 0)",
    "normal(0, 1, low=2, high=1)",
    "normal(0, 1, low=5)",
    "lognormal(0, -1)",
    "lognormal(1e308, 1e308)",
    "beta(-1, 2)",
    "beta(0, 0)",
    "beta(1e-320, 1)",
    "triangular(0, 5, 1)",
    "triangular(1, 0, 2)",
    "choice([1, 2], [0.5])",
    "choice([], [])",
    "choice([1, 2], [-1, 2])",
    "choice([1, 2], [0, 0])",
    "choice([1, 'x'], [1, 1])",
    "choice([1, 2], [nan, 1])",
    "uniform(0, 1e400)",
    "uniform(-1e400, 0)",
    "uniform(nan, 1)",
    "uniform(0, inf)",
    "gamma(1, 2)",
    "UNIFORM(0, 1)",
    "uniform (0, 1)",
    "uniform(0,1)extra",
    "uniform((0, 1))",
    "uniform(0, 1" + ")" * 50,
    "uniform(" * 200 + "0, 1" + ")" * 200,
    "uniform(" + "9" * 5000 + ", 1)",
    "uniform(0x10, 0x20)",
    "uniform(1_0, 2_0)",
    "uniform(0, 1)\n",
    "\tuniform(0, 1)",
    "uniform(0,\u00a01)",
    "uniform(０, 1)",
    {"dist": "uniform", "low": 1},
    {"dist": "uniform", "low": 2, "high": 1},
    {"dist": "nope"},
    {"dist": None},
    {"dist": ["uniform"]},
    {"low": 0, "high": 1},
    {"dist": "uniform", "low": "0", "high": "1"},
    {"dist": "uniform", "low": 0, "high": 1, "extra": 3},
    {"dist": "normal", "mu": 0, "sd": 1},
    {"dist": "choice", "values": [1, 2], "weights": [1]},
    {"dist": "choice", "values": 1, "weights": 1},
    {"dist": "beta", "a": -1, "b": 1},
    {"dist": "triangular", "low": 0, "mode": 3, "high": 1},
]
WEIRD_VALUES: list[Any] = [
    None,
    True,
    False,
    "",
    " ",
    "text",
    "0.5 ",
    "1e999",
    "-1e999",
    ".nan",
    "NaN",
    "inf",
    "-inf",
    "0x10",
    "1_000",
    [],
    [1, 2],
    {},
    {"x": 1},
    [[[[[]]]]],
    10**30,
    -(10**30),
    2**63,
    2**64,
    -1,
    0,
    1.5e308,
    -1.5e308,
    5e-324,
    float("nan"),
    float("inf"),
    float("-inf"),
    "٣",
    "１",
    "1,5",
    "½",
    "∞",
    "\x00",
    "a" * 10_000,
]
NEW_KEYS = [
    "unknown_key",
    "",
    " ",
    "1",
    "Discount",
    "disc ount",
    "a.b",
    "__class__",
    "__proto__",
    "x" * 300,
    "ünïcode",
    "🙂",
    "null",
    "true",
    "~",
]
TEXT_INSERTS = [
    ":",
    "{",
    "}",
    "[",
    "]",
    '"',
    "'",
    "\t",
    "&a ",
    "*a",
    "!tag ",
    "!!python/object:os.system ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "? ",
    "- ",
    "|",
    ">",
    "#",
    "\\",
    "\n  ",
    "\u2028",
    "\ufeff",
    "&a [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "<<: {}",
    "@",
    "`",
    "%",
]
BYTE_INSERTS = [b"\x00", b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x1b[31m"]


def _all_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            p = (*prefix, k)
            out.append(p)
            out.extend(_all_paths(v, p))
    return out


def _numeric_paths(data: dict) -> list[tuple]:
    out = []
    for p in _all_paths(data):
        v = _get(data, p)
        last = p[-1].split(".")[-1]
        if (isinstance(v, (int, float, str, dict)) and not isinstance(v, bool)) and last in RANGES:
            if isinstance(v, str) and not re.match(r"^[a-z]+\(", v):
                continue
            out.append(p)
    return out


def _has_path(data: Any, dotted: str) -> bool:
    """Is ``dotted`` (as recorded by fuzz_cases) still a path of ``data``?"""
    return any(".".join(p) == dotted for p in _all_paths(data))


def _get(data: Any, path: tuple) -> Any:
    for k in path:
        data = data[k]
    return data


def _parent(data: Any, path: tuple) -> dict:
    return _get(data, path[:-1])


def _outside(key: str, draw_index: int) -> Any:
    lo, hi = RANGES.get(key, (None, None))
    choices: list[Any] = [float("nan"), float("inf"), float("-inf"), "1e999"]
    if lo is not None:
        choices += [lo - 1e-9 if isinstance(lo, float) else lo - 1, lo - 1, -1e308, -(10**30)]
        if key in ("discount", "capacity", "decisiveness"):
            choices.append(lo)  # open at lo
    if hi is not None:
        choices += [hi + 1e-9 if isinstance(hi, float) else hi + 1, hi * 2 + 1, 1e308, 10**30]
        if key == "discount":
            choices.append(hi)  # open at hi
    return choices[draw_index % len(choices)]


#: Any value YAML can hold: scalars, lists and mappings, nested.
ANY_YAML_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)

#: Valid values at the edge of sense, by key (the last path component).
EDGE_VALUES: dict[str, list[Any]] = {
    "discount": [1e-6, 0.999999, "uniform(0.999998, 0.999999)", "uniform(1e-6, 2e-6)"],
    "war_cost": [0.0, 1e9, "uniform(0, 1e9)"],
    "capacity": [1e-12, 1e12, "uniform(1e-12, 1e12)"],
    "ceiling": [1e-12, 1e12, -0.999999, 1e6],
    "rebuild_rate": [0.0, 1.0],
    "flow": [-1e12, 1e12, 0.0],
    "war_flow": [-1e12, 1e12],
    "power": [-0.999999, 1e6],
    "growth": [-1.0, 1.0],
    "decisiveness": [1e-9, 1e3, 1e300],
    "first_strike": [-0.999999, 0.0, 1e12],
    "incident_hazard": [0.0, 1.0, "uniform(0, 1)"],
    "hazard": [0.0, 1.0],
    "horizon": [1, 200],
    "draws": [1],
    "seed": [0, 2**63 - 1],
    "a": [0.0, 1e-12, 1.0, 1e12],
    "b": [0.0, 1e-12, 1.0, 1e12],
}


@st.composite
def fuzz_cases(draw) -> dict:
    """A mutated scenario: {'text': bytes, 'sets': [...], 'ops': [...], 'paths': [...]}.

    A third of the cases only push valid values to the edge of their range (they should
    run, or stop with a model error); the rest break the scenario in one to three ways,
    then maybe damage the YAML text and add a ``--set``. ``paths`` lists the dotted key
    paths whose value was made invalid: when that is the only damage, the message must
    name one of them.
    """
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    ops: list[str] = []
    value_paths: list[str] = []
    valid_only = draw(st.integers(0, 2)) == 0
    n_ops = draw(st.integers(1, 4 if valid_only else 3))
    kinds = (
        ["good_edge"]
        if valid_only
        else ["drop", "rename", "retype", "range", "dist", "payload", "good_edge"]
    )
    for _ in range(n_ops):
        kind = draw(st.sampled_from(kinds))
        paths = _all_paths(data)
        if not paths:
            break
        if kind == "drop":
            p = draw(st.sampled_from(paths))
            del _parent(data, p)[p[-1]]
            ops.append(f"drop {'.'.join(p)}")
        elif kind == "rename":
            p = draw(st.sampled_from(paths))
            new = draw(
                st.sampled_from(NEW_KEYS + [p[-1] + "x", p[-1].upper(), p[-1][:-1] or "k"])
                | st.text(max_size=12)
            )
            if new == p[-1]:
                continue
            parent = _parent(data, p)
            parent[new] = parent.pop(p[-1])
            ops.append(f"rename {'.'.join(p)} -> {new!r}")
        elif kind == "retype":
            p = draw(st.sampled_from(paths))
            v = copy.deepcopy(
                draw(st.sampled_from(WEIRD_VALUES) | ANY_YAML_VALUE)
            )  # later ops may edit it
            _parent(data, p)[p[-1]] = v
            ops.append(f"retype {'.'.join(p)} = {v!r:.40}")
            value_paths.append(".".join(p))
        elif kind in ("range", "dist", "good_edge"):
            nums = _numeric_paths(data)
            if not nums:
                continue
            p = draw(st.sampled_from(nums))
            key = p[-1].split(".")[-1]
            if kind == "range":
                v = _outside(key, draw(st.integers(0, 50)))
                value_paths.append(".".join(p))
            elif kind == "dist":
                v = copy.deepcopy(draw(st.sampled_from(BAD_DISTRIBUTIONS)))
                value_paths.append(".".join(p))
            else:
                v = draw(st.sampled_from(EDGE_VALUES.get(key, [0.0])))
            _parent(data, p)[p[-1]] = v
            ops.append(f"{kind} {'.'.join(p)} = {v!r:.40}")
        elif kind == "payload":
            p = draw(st.sampled_from(paths))
            v = draw(st.sampled_from(PAYLOADS_STR))
            _parent(data, p)[p[-1]] = v
            ops.append(f"payload {'.'.join(p)} = {v!r:.60}")
            value_paths.append(".".join(p))
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    # text-level damage
    text_op = (
        "none"
        if valid_only
        else draw(
            st.sampled_from(
                ["none"] * 5
                + [
                    "truncate",
                    "insert",
                    "bytes",
                    "yaml_tag",
                    "dup_line",
                    "drop_line",
                    "indent",
                    "alias_bomb",
                    "deep",
                    "huge",
                ]
            )
        )
    )
    raw = text.encode("utf-8")
    if text_op != "none":
        lines = text.splitlines(keepends=True)
        if text_op == "truncate":
            raw = raw[: draw(st.integers(0, len(raw)))]
        elif text_op == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(TEXT_INSERTS)) + text[at:]
            raw = text.encode("utf-8")
        elif text_op == "bytes":
            at = draw(st.integers(0, len(raw)))
            raw = raw[:at] + draw(st.sampled_from(BYTE_INSERTS)) + raw[at:]
        elif text_op == "yaml_tag":
            i = draw(st.integers(0, len(lines) - 1))
            line = lines[i]
            m = re.match(r"^(\s*[^:#]+:)\s*(.*)$", line.rstrip("\n"))
            payload = draw(st.sampled_from(PAYLOADS_YAML))
            lines[i] = f"{m.group(1)} {payload}\n" if m else f"key: {payload}\n"
            raw = "".join(lines).encode("utf-8")
        elif text_op == "dup_line":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            raw = "".join(lines).encode("utf-8")
        elif text_op == "drop_line":
            i = draw(st.integers(0, len(lines) - 1))
            del lines[i]
            raw = "".join(lines).encode("utf-8")
        elif text_op == "indent":
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = (
                draw(st.sampled_from([" ", "  ", "\t", "    "])) + lines[i]
                if draw(st.booleans())
                else lines[i].lstrip()
            )
            raw = "".join(lines).encode("utf-8")
        elif text_op == "deep":  # nesting that would exhaust a recursive parser
            n = draw(st.sampled_from([33, 1000, 100_000]))
            opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
            raw += f"deep: {opener * n}1{closer * n}\n".encode()
        elif text_op == "huge":  # past the size limit, or just under it
            raw += b"# " + b"x" * draw(st.sampled_from([10_000, 999_000, 1_100_000])) + b"\n"
        elif text_op == "alias_bomb":
            bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            for j in range(1, 9):
                bomb += (
                    f"{chr(97 + j)}: &{chr(97 + j)} [" + ",".join([f"*{chr(96 + j)}"] * 9) + "]\n"
                )
            raw = bomb.encode() + raw
        ops.append(f"text {text_op}")
    sets: list[str] = []
    if not valid_only and draw(st.integers(0, 4)) == 0:
        key = draw(
            st.sampled_from(
                [".".join(p) for p in _all_paths(BASE)] + ["nope.x", "", ".", "a..b", "actors"]
            )
        )
        val = draw(
            st.sampled_from(
                [
                    "0.5",
                    "-1",
                    "nan",
                    "1e999",
                    "uniform(2, 1)",
                    "{",
                    "[1, 2]",
                    "&a 1",
                    "*a",
                    f'!!python/object/apply:os.system ["touch {MARKER_TOKEN}"]',
                    "",
                    "x=y",
                    *PAYLOADS_STR[:3],
                ]
            )
        )
        sets.append(f"{key}={val}" if draw(st.integers(0, 9)) else key)  # sometimes no '='
        ops.append(f"set {sets[-1]!r:.60}")
    # the message must name a bad path only when bad values are all that is wrong (a
    # later op may have overwritten one, or a dropped key may be reported instead)
    value_paths = [p for p in value_paths if _has_path(data, p)]
    only_values = all(op.split()[0] in ("retype", "range", "dist", "payload") for op in ops)
    return {"text": raw, "sets": sets, "ops": ops, "paths": value_paths if only_values else []}


# ---------------------------------------------------------------------------------------
# running one case and judging the outcome


class Hang(BaseException):
    """Raised by SIGALRM when one case runs too long (BaseException: nothing catches it)."""


def _on_alarm(signum, frame):  # noqa: ARG001
    raise Hang()


def _names_path(text: str, path: str) -> bool:
    """Does a problem line name ``path``, its parent, or a key inside it?"""
    parts = path.split(".")
    if len(parts) > 3 and parts[0] == "events" and parts[2] == "changes":
        parts = [*parts[:3], ".".join(parts[3:])]
    candidates = {".".join(parts), ".".join(parts[:-1]) if len(parts) > 1 else parts[0]}
    # a path holding odd characters is printed quoted: 'terms.x y': ...
    return any(re.search(r"[\s'\"]" + re.escape(c) + r"[.:'\"]", text) for c in candidates if c)


def _invoke(args: list[str]) -> tuple[Any, str]:
    res = CliRunner().invoke(main, args, catch_exceptions=True)
    return res, (res.stdout or "") + (res.stderr or "")


def check_result_folder(out: Path) -> str | None:
    """None if ``out`` is one complete, self-consistent result with finite probabilities."""
    try:
        res = load_result(out)
    except ResultError as exc:
        return f"not loadable: {exc}"
    try:
        check_result(res)
    except ResultError as exc:
        return f"invalid probabilities: {exc}"
    s = res.summary
    if res.manifest.get("seed") != s.get("seed") or res.manifest.get("draws") != s.get("draws"):
        return "summary and manifest disagree (seed/draws)"
    if len(res.draws) != s["draws"] or list(res.draws["draw"]) != list(range(s["draws"])):
        return f"draws table has {len(res.draws)} rows for {s['draws']} draws"
    end = float(res.draws["p_holds_end"].mean())
    if abs(end - s["p_holds_end"]["estimate"]) > 1e-9:
        return f"summary p_holds_end {s['p_holds_end']['estimate']} != mean over draws {end}"
    surv = pd.read_csv(out / "survival.csv")
    for col in ("survival", "ci_low", "ci_high"):
        v = surv[col].to_numpy(float)
        if not (np.isfinite(v).all() and v.min() >= 0 and v.max() <= 1):
            return f"survival.csv {col} not a finite probability"
    if np.any(np.diff(surv["survival"].to_numpy(float)) > 1e-12):
        return "survival increases over time"
    constants: list[str] = []  # NaN, Infinity, -Infinity tokens (not strings such as a label "NaN")
    json.loads(
        (out / "summary.json").read_text(), parse_constant=lambda c: constants.append(c) or 0.0
    )
    if constants:
        return f"summary.json holds {constants[0]}"
    return None


def exercise(case: dict, workdir: Path, timeout: float = 20.0) -> tuple[str, str]:
    """Run one fuzz case through `sim validate` and `sim run`; return (outcome, detail).

    Outcomes starting with ``FAIL`` are failures; the others are the accepted endings:
    ``valid+ran``, ``valid+model_error`` (exit 1, a model message), ``invalid``.
    """
    marker = workdir / f"pwned-{uuid.uuid4().hex[:8]}"
    raw = case["text"].replace(MARKER_TOKEN.encode(), str(marker).encode())
    sets = [s.replace(MARKER_TOKEN, str(marker)) for s in case["sets"]]
    scn = workdir / "case.yaml"
    scn.write_bytes(raw)
    out = workdir / "out"
    set_args = [a for s in sets for a in ("--set", s)]
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        v, v_text = _invoke(["validate", str(scn), *set_args])
        r, r_text = _invoke(
            ["run", str(scn), *set_args, "--draws", "5", "--no-plots", "-q", "--out", str(out)]
        )
    except Hang:
        return "FAIL hang", f"more than {timeout} s"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if marker.exists():
        return "FAIL executed", f"a payload created {marker}"
    for name, res, text in (("validate", v, v_text), ("run", r, r_text)):
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            import traceback

            tb = "".join(traceback.format_exception(res.exception))
            return (
                f"FAIL {name} exception",
                f"{type(res.exception).__name__}: {res.exception}\n{tb[-3000:]}",
            )
        if "Traceback" in text:
            return f"FAIL {name} traceback", text[-3000:]
        if res.exit_code not in (0, 1):
            return f"FAIL {name} exit {res.exit_code}", text[-2000:]
        if "internal error" in text:
            return f"FAIL {name} internal error", text[-2000:]
        if res.exit_code == 1 and not text.strip():
            return f"FAIL {name} silent exit 1", ""
    if v.exit_code == 1:
        if r.exit_code != 1:
            return "FAIL run accepted what validate refused", v_text[-1000:] + r_text[-1000:]
        if out.exists():
            return "FAIL invalid scenario left a result", str(out)
        if not all(
            line.startswith((str(scn), "--set")) for line in v_text.strip().splitlines()[:-1]
        ):
            return "FAIL a problem line names no file or --set", v_text[-1500:]
        if case["paths"] and not any(_names_path(v_text, p) for p in case["paths"]):
            return (
                "FAIL message names none of the bad key paths",
                f"{case['paths']}\n{v_text[-1500:]}",
            )
        return "invalid", ""
    if r.exit_code == 1:
        if out.exists():
            return "FAIL failed run left a result", r_text[-1000:]
        if not r_text.startswith("error:") and "error:" not in r_text:
            return "FAIL run exit 1 without an error message", r_text[-1000:]
        return "valid+model_error", r_text.strip().splitlines()[-1][:200]
    problem = check_result_folder(out)
    if problem:
        return "FAIL bad result", problem
    leftovers = [p.name for p in workdir.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    if leftovers:
        return "FAIL temporary folders left", str(leftovers)
    return "valid+ran", ""


# ---------------------------------------------------------------------------------------
# the in-suite fuzz test (~30 s); benchmarks/fuzz.py runs the long campaign


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(case=fuzz_cases())
def test_fuzzed_scenarios_end_cleanly(case):
    with tempfile.TemporaryDirectory(prefix="sim-fuzz-") as d:
        outcome, detail = exercise(case, Path(d))
    assert not outcome.startswith("FAIL"), (
        f"{outcome} for {case['ops']}:\n{detail}\n--- scenario ---\n{case['text'][:3000]!r}"
    )


@pytest.mark.parametrize("text_op", ["value", "payload-tag", "set"])
def test_fuzz_value_mutation_names_its_key_path(tmp_path, text_op):
    """A single bad value is reported under its own key path (file:line: key.path: ...)."""
    data = copy.deepcopy(BASE)
    if text_op == "value":
        data["actors"]["b"]["discount"] = 1.5
        text = yaml.safe_dump(data, sort_keys=False)
        sets, want = [], "actors.b.discount"
    elif text_op == "payload-tag":
        text = yaml.safe_dump(data, sort_keys=False).replace(
            "incident_hazard: 0.01",
            f'incident_hazard: !!python/object/apply:os.system ["touch {tmp_path}/pwned"]',
        )
        sets, want = [], ":"
    else:
        text = yaml.safe_dump(data, sort_keys=False)
        sets, want = ["--set", "war.first_strike=-3"], "war.first_strike"
    (tmp_path / "s.yaml").write_text(text)
    res, out = _invoke(["validate", str(tmp_path / "s.yaml"), *sets])
    assert res.exit_code == 1 and "Traceback" not in out
    assert want in out, out
    assert not (tmp_path / "pwned").exists()


def test_payloads_never_execute(tmp_path):
    """Every code-execution payload, in the file and through --set, is refused inert."""
    marker = tmp_path / "pwned"
    text = yaml.safe_dump(BASE, sort_keys=False)
    for payload in PAYLOADS_YAML:
        p = payload.replace(MARKER_TOKEN, str(marker))
        for variant in (
            text.replace("horizon: 3", f"horizon: {p}"),
            f"{p}\n",
            text + f"extra: {p}\n",
        ):
            (tmp_path / "s.yaml").write_text(variant)
            res, out = _invoke(["validate", str(tmp_path / "s.yaml")])
            assert res.exit_code == 1 and "Traceback" not in out, out
        res, out = _invoke(
            [
                "run",
                str(tmp_path / "s.yaml"),
                "--set",
                f"horizon={p}",
                "--draws",
                "5",
                "--no-plots",
                "-q",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        assert res.exit_code == 1 and "Traceback" not in out, out
    for payload in PAYLOADS_STR:
        p = payload.replace(MARKER_TOKEN, str(marker))
        (tmp_path / "s.yaml").write_text(
            text.replace("war_cost: 2.0", f"war_cost: {json.dumps(p)}")
        )
        res, out = _invoke(["validate", str(tmp_path / "s.yaml")])
        assert res.exit_code == 1 and "actors.a.war_cost" in out, out
    assert not marker.exists()
    assert not (tmp_path / "o").exists()


def test_alias_bomb_is_refused_fast(tmp_path):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for j in range(1, 10):
        bomb += f"{chr(97 + j)}: &{chr(97 + j)} [" + ",".join([f"*{chr(96 + j)}"] * 9) + "]\n"
    (tmp_path / "bomb.yaml").write_text(bomb)
    import time

    t0 = time.perf_counter()
    res, out = _invoke(["validate", str(tmp_path / "bomb.yaml")])
    assert res.exit_code == 1 and ("alias" in out.lower() or "anchor" in out.lower()), out
    assert time.perf_counter() - t0 < 5


# ---------------------------------------------------------------------------------------
# output errors


def _write_base(tmp_path: Path) -> Path:
    p = tmp_path / "base.yaml"
    p.write_text(yaml.safe_dump(BASE, sort_keys=False))
    return p


def _run(scn: Path, out: Path | str, *extra: str) -> tuple[Any, str]:
    return _invoke(["run", str(scn), "--draws", "5", "--no-plots", "-q", "--out", str(out), *extra])


def _visible_partials(parent: Path) -> list[str]:
    """Temporary folders left behind (hidden .tmp-/.old- names)."""
    if not parent.is_dir():
        return []
    return [p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def _can_write_despite_mode(folder: Path) -> bool:
    probe = folder / f".probe-{uuid.uuid4().hex[:6]}"
    try:
        probe.write_text("x")
        probe.unlink()
        return True
    except OSError:
        return False


def _mount_tmpfs(where: Path, options: str) -> bool:
    """Mount a tmpfs at ``where`` (root only); False where that is impossible."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    where.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    return res.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def scenario(tmp_path):
    return _write_base(tmp_path)


def test_unwritable_out_chmod(tmp_path, scenario):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if _can_write_despite_mode(locked):
            pytest.skip(
                "running as root: chmod does not stop writes (the /proc, read-only mount and "
                "path-under-a-file tests cover unwritable folders)"
            )
        res, out = _run(scenario, locked / "out")
        assert res.exit_code == 1, out
        assert (
            "Traceback" not in out and "permission" in out.lower() and "choose another --out" in out
        )
        assert not (locked / "out").exists() and not _visible_partials(locked)
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("where", ["under_a_file", "proc", "readonly_mount"])
def test_unwritable_out(tmp_path, scenario, where):
    if where == "under_a_file":
        blocker = tmp_path / "a_file"
        blocker.write_text("not a folder")
        out = blocker / "sub" / "out"
    elif where == "proc":
        if not Path("/proc/self").is_dir():
            pytest.skip("no /proc")
        out = Path("/proc") / f"sim-test-{uuid.uuid4().hex[:6]}"
    else:
        ro = tmp_path / "ro"
        if not _mount_tmpfs(ro, "ro,size=1m"):
            pytest.skip("cannot mount a read-only tmpfs here (needs root and mount)")
        out = ro / "out"
    try:
        res, text = _run(scenario, out)
    finally:
        if where == "readonly_mount":
            _umount(tmp_path / "ro")
    assert res.exit_code == 1, text
    assert "Traceback" not in text and text.startswith("error:"), text
    assert "choose another --out" in text, text
    assert not out.exists()
    if where == "under_a_file":
        assert (tmp_path / "a_file").read_text() == "not a folder"


def test_out_is_an_existing_file(tmp_path, scenario):
    f = tmp_path / "result"
    f.write_text("precious")
    res, text = _run(scenario, f)
    assert (
        res.exit_code == 1 and "is a file, not a folder" in text and "choose another --out" in text
    ), text
    assert f.read_text() == "precious"
    assert not _visible_partials(tmp_path)


def test_out_is_a_folder_of_other_files(tmp_path, scenario):
    """An --out that holds someone's files (not a result) is never replaced."""
    d = tmp_path / "mine"
    d.mkdir()
    (d / "thesis.tex").write_text("precious")
    res, text = _run(scenario, d)
    assert res.exit_code == 1 and "not a sim result" in text and "choose another --out" in text, (
        text
    )
    assert (d / "thesis.tex").read_text() == "precious"
    assert not _visible_partials(tmp_path)
    # "--out ." and "--out .." style targets are caught the same way
    res, text = _run(scenario, str(d / "sub" / ".."))
    assert res.exit_code == 1 and "not a sim result" in text
    assert (d / "thesis.tex").read_text() == "precious"


def test_out_empty_folder_and_rerun_replace(tmp_path, scenario):
    d = tmp_path / "res"
    d.mkdir()
    res, text = _run(scenario, d, "--seed", "1")
    assert res.exit_code == 0, text
    res, text = _run(scenario, d, "--seed", "2")
    assert res.exit_code == 0, text
    assert load_result(d).summary["seed"] == 2
    assert not _visible_partials(tmp_path)


@pytest.mark.parametrize("stage", ["draws", "summary", "plots", "swap"])
def test_disk_full_is_reported_and_leaves_nothing(tmp_path, scenario, monkeypatch, stage):
    out = tmp_path / "res"
    res, text = _run(scenario, out, "--seed", "1")  # a previous complete result
    assert res.exit_code == 0, text
    full = OSError(errno.ENOSPC, "No space left on device")
    if stage == "draws":

        def boom(self, frame):
            raise ResultError(
                f"{self.target}: cannot write draws.parquet ({atomic.explain(full)}); "
                "nothing was replaced"
            )

        monkeypatch.setattr(ResultWriter, "write_draws", boom)
    elif stage == "summary":

        def boom(path, data):
            raise full

        monkeypatch.setattr(writer_mod, "write_json", boom)
    elif stage == "plots":
        import sim.plots

        def boom(result, folder, fmt="png"):
            raise full

        monkeypatch.setattr(sim.plots, "save_all", boom)
    else:

        def boom(tmp, target):
            raise full

        monkeypatch.setattr(atomic, "swap_into_place", boom)
    args = ["run", str(scenario), "--draws", "5", "-q", "--out", str(out), "--seed", "2"]
    if stage != "plots":
        args.append("--no-plots")
    res, text = _invoke(args)
    assert res.exit_code == 1, text
    assert "Traceback" not in text and "disk is full" in text and "free some space" in text, text
    assert load_result(out).summary["seed"] == 1  # the earlier result is untouched
    assert not _visible_partials(tmp_path)


def test_disk_full_on_a_real_tiny_filesystem(tmp_path, scenario):
    tiny = tmp_path / "tiny"
    if not _mount_tmpfs(tiny, "size=64k"):
        pytest.skip(
            "cannot mount a tmpfs here (needs root and mount); the monkeypatched test covers it"
        )
    try:
        res, text = _invoke(
            ["run", str(FREEZE), "--draws", "300", "-q", "--out", str(tiny / "res")]
        )
        assert res.exit_code == 1, text
        assert "Traceback" not in text and "disk is full" in text, text
        assert not (tiny / "res").exists()
        assert os.listdir(tiny) == []  # the temporary folder was removed too
    finally:
        _umount(tiny)


def test_errors_say_what_to_do(tmp_path, scenario):
    """Each user-facing error carries advice, not just a diagnosis."""
    cases = {
        "missing scenario": (["validate", str(tmp_path / "nope.yaml")], ("no such file",)),
        "bad value": (
            ["validate", str(scenario), "--set", "actors.a.discount=2"],
            ("must be in (0, 1)",),
        ),
        "folder of files": (
            ["run", str(scenario), "--no-plots", "-q", "--draws", "5", "--out", str(tmp_path)],
            ("choose another --out",),
        ),
        "load a non-result": (["show", str(tmp_path)], ("run",)),
    }
    for name, (args, needles) in cases.items():
        res, text = _invoke(args)
        assert res.exit_code == 1, (name, text)
        assert "Traceback" not in text
        for needle in needles:
            assert needle in text, (name, needle, text)


def test_internal_errors_are_one_line_not_a_traceback(tmp_path, scenario, monkeypatch):
    import sim.montecarlo

    def bug(*a, **k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(sim.montecarlo, "run", bug)
    res, text = _run(scenario, tmp_path / "o")
    assert (
        res.exit_code == 1
        and "internal error" in text
        and "report" in text
        and "Traceback" not in text
    )
    assert not (tmp_path / "o").exists() and not _visible_partials(tmp_path)
