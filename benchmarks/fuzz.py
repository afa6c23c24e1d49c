"""A long fuzz campaign over `sim validate` and `sim run` (run by hand, not in the suite).

Uses the case generator and the judge of ``tests/test_reliability.py`` (hypothesis
mutations of a valid scenario: keys dropped, renamed, retyped, values out of range,
malformed distributions, broken YAML, code-execution payloads, ``--set`` overrides),
runs each case through the CLI (5 draws, horizon 3) and counts the outcomes. Failures
(a traceback, an exception, a hang, an executed payload, a NaN in a result, an error
that names no key path...) are written to ``--failures`` with the scenario text so they
can be replayed.

    .venv/bin/python benchmarks/fuzz.py --minutes 5
    .venv/bin/python benchmarks/fuzz.py --cases 20000 --seed 7

Exit code 1 if any case failed.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402

from tests.system.test_reliability import exercise, fuzz_cases  # noqa: E402

BATCH = 250


def replay(path: Path, timeout: float) -> int:
    """Re-run saved failing cases (after a fix) and print how each ends now."""
    bad = 0
    with tempfile.TemporaryDirectory(prefix="sim-fuzz-") as tmp:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            saved = json.loads(line)
            case = {
                "text": saved["text_latin1"].encode("latin-1"),
                "sets": saved["sets"],
                "ops": saved["ops"],
                "paths": saved.get("paths", []),
            }
            work = Path(tmp) / f"r{i}"
            work.mkdir()
            outcome, detail = exercise(case, work, timeout=timeout)
            bad += outcome.startswith("FAIL")
            print(f"{i}: was {saved['outcome']!r}, now {outcome!r} {detail[:200]}")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--cases", type=int, default=20_000, help="stop after this many cases (default 20000)"
    )
    ap.add_argument("--minutes", type=float, default=None, help="stop after this many minutes")
    ap.add_argument(
        "--seed", type=int, default=0, help="first hypothesis seed (one seed per batch of cases)"
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds one case may take before it counts as a hang",
    )
    ap.add_argument(
        "--failures", default="benchmarks/out/fuzz_failures.jsonl", help="where failing cases go"
    )
    ap.add_argument(
        "--replay",
        metavar="FILE",
        help="re-run the failing cases saved in FILE and report each outcome",
    )
    args = ap.parse_args(argv)
    if args.replay:
        return replay(Path(args.replay), args.timeout)

    deadline = time.monotonic() + args.minutes * 60 if args.minutes else None
    counts: collections.Counter[str] = collections.Counter()
    details: collections.Counter[str] = collections.Counter()
    ops: collections.Counter[str] = collections.Counter()
    failures_path = Path(args.failures)
    failures_path.parent.mkdir(parents=True, exist_ok=True)
    n_fail = 0
    t0 = time.monotonic()
    state = {"tried": 0}

    def done() -> bool:
        return state["tried"] >= args.cases or (
            deadline is not None and time.monotonic() >= deadline
        )

    with (
        open(failures_path, "w", encoding="utf-8") as fails,
        tempfile.TemporaryDirectory(prefix="sim-fuzz-") as tmp,
    ):
        batch = 0
        while not done():

            @hypothesis_seed(args.seed + batch)
            @settings(
                max_examples=BATCH,
                deadline=None,
                database=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=fuzz_cases())
            def one(case):
                nonlocal n_fail
                if done():
                    return
                work = Path(tmp) / f"c{state['tried']}"
                work.mkdir()
                outcome, detail = exercise(case, work, timeout=args.timeout)
                state["tried"] += 1
                counts[outcome] += 1
                for op in case["ops"]:
                    ops[op.split()[0] + (" " + op.split()[1] if op.startswith("text") else "")] += 1
                if outcome == "valid+model_error":
                    details[detail[:120]] += 1
                if outcome.startswith("FAIL"):
                    n_fail += 1
                    fails.write(
                        json.dumps(
                            {
                                "outcome": outcome,
                                "detail": detail,
                                "ops": case["ops"],
                                "sets": case["sets"],
                                "paths": case["paths"],
                                "text_latin1": case["text"].decode("latin-1"),
                            }
                        )
                        + "\n"
                    )
                    fails.flush()
                import shutil

                shutil.rmtree(work, ignore_errors=True)
                if state["tried"] % 500 == 0:
                    rate = state["tried"] / (time.monotonic() - t0)
                    print(
                        f"  {state['tried']:,} cases, {n_fail} failures, {rate:.1f} cases/s",
                        flush=True,
                    )

            try:
                one()
            except Exception as exc:  # noqa: BLE001 - a generator problem must not end the campaign
                counts[f"(generator error: {type(exc).__name__})"] += 1
            batch += 1

    wall = time.monotonic() - t0
    tried = state["tried"]
    print(
        f"\ncases tried: {tried:,} in {wall / 60:.1f} min "
        f"({tried / wall:.1f} cases/s, each through validate and run)"
    )
    print("outcomes:")
    for k, v in counts.most_common():
        print(f"  {k:40s} {v:7,d}  ({v / tried:.1%})")
    print("mutations applied (a case has 1-3 plus maybe text damage and --set):")
    for k, v in sorted(ops.items()):
        print(f"  {k:40s} {v:7,d}")
    if details:
        print("model errors (exit 1 on a valid scenario), most common messages:")
        for k, v in details.most_common(8):
            print(f"  {v:6,d}  {k}")
    print(f"failures: {n_fail} (details in {failures_path})")
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
