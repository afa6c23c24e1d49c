"""Where a draw's time goes: the transcendental functions the model evaluates, and why a
compiled kernel cannot make them cheaper without changing answers.

Run by hand (not part of the test suite)::

    .venv/bin/python benchmarks/transcendentals.py               # flagship, 2,048 draws
    .venv/bin/python benchmarks/transcendentals.py --draws 512 --scenario scenarios/korea_1953.yaml

It prints, per draw, how many elements go through ``logaddexp``, ``expit``, ``log`` and
``log1p`` (counted by wrapping the functions during a run), what each costs per element on
this machine, their total against the run's time per draw; then how often numpy's own
vectorised ``exp``, ``log`` and ``log1p`` differ from the C library's (``math``), which is
what a compiled kernel (numba, C) calls. With numba installed (``pip install numba``) it
also times numba versions of ``logaddexp`` and ``expit`` written as numpy and scipy
compute them, and checks that they give the same bits.
"""

from __future__ import annotations

import argparse
import collections
import math
import sys
import time
from pathlib import Path

import numpy as np
import scipy.special

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ("logaddexp", "log", "log1p", "exp")


def per_element(f, repeat: int = 5) -> float:
    f()
    t0 = time.perf_counter()
    for _ in range(repeat):
        f()
    return (time.perf_counter() - t0) / repeat / 1_000_000


def count(scenario: str, draws: int) -> tuple[dict[str, float], float]:
    """Elements per draw through each function in a run, and the run's seconds a draw."""
    counts: collections.Counter = collections.Counter()

    def wrap(name, f):
        def counted(*args, **kwargs):
            out = f(*args, **kwargs)
            counts[name] += np.size(out)
            return out

        return counted

    originals = {name: getattr(np, name) for name in FUNCTIONS}
    for name in FUNCTIONS:
        setattr(np, name, wrap(name, originals[name]))
    import sim
    from sim.model import inputs, splits

    expits = {mod: mod.expit for mod in (inputs, splits)}
    for mod in expits:
        mod.expit = wrap("expit", scipy.special.expit)
    try:
        sim.run(scenario, draws=draws)
    finally:
        for name, f in originals.items():
            setattr(np, name, f)
        for mod, f in expits.items():
            mod.expit = f
    sim.run(scenario, draws=64)  # warm
    t0 = time.perf_counter()
    sim.run(scenario, draws=draws)
    return {k: v / draws for k, v in counts.items()}, (time.perf_counter() - t0) / draws


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "freeze_lines.yaml"))
    ap.add_argument("--draws", type=int, default=2048)
    args = ap.parse_args()
    per_draw, seconds = count(args.scenario, args.draws)
    rng = np.random.default_rng(0)
    x, y = rng.normal(0, 3, 1_000_000), rng.normal(0, 3, 1_000_000)
    ax = np.abs(x)
    cost = {
        "logaddexp": per_element(lambda: np.logaddexp(x, y)),
        "expit": per_element(lambda: scipy.special.expit(x)),
        "log": per_element(lambda: np.log(ax)),
        "log1p": per_element(lambda: np.log1p(ax)),
        "exp": per_element(lambda: np.exp(x)),
    }
    total = 0.0
    print(f"{Path(args.scenario).name}, {args.draws:,} draws: {seconds * 1e3:.3f} ms a draw")
    for name, n in sorted(per_draw.items(), key=lambda kv: -kv[1]):
        total += n * cost[name]
        print(f"  {name:<10} {n:>10,.0f} elements a draw x {cost[name] * 1e9:5.1f} ns")
    print(f"  transcendental functions: {total * 1e3:.3f} ms a draw ({total / seconds:.0%})")
    one, two = 20_000 * total, 10_000 * total
    print(f"  a kernel that keeps every bit must still evaluate these: 20,000 draws need at "
          f"least {one:.1f} s of them on one core, {two:.1f} s on two")  # fmt: skip
    z = rng.normal(0, 5, 200_000)
    print("numpy against the C library (math), share of arguments with another result:")
    for name, f, g in (
        ("exp", np.exp, math.exp),
        ("log", lambda v: np.log(np.abs(v)), lambda v: math.log(abs(v))),
        ("log1p", lambda v: np.log1p(np.abs(v)), lambda v: math.log1p(abs(v))),
    ):
        ours = f(z)
        theirs = np.array([g(float(v)) for v in z])
        print(f"  {name:<6} {np.mean(ours != theirs):.2%}")
    try:
        import numba
    except ImportError:
        print("numba not installed (pip install numba to compare compiled kernels)")
        return
    loge2 = math.log(2.0)

    @numba.vectorize(["float64(float64, float64)"])
    def nb_logaddexp(a, b):  # numpy's npy_logaddexp, line by line
        if a == b:
            return a + loge2
        tmp = a - b
        if tmp > 0:
            return a + math.log1p(math.exp(-tmp))
        if tmp <= 0:
            return b + math.log1p(math.exp(tmp))
        return tmp

    @numba.vectorize(["float64(float64)"])
    def nb_expit(a):
        return 1.0 / (1.0 + math.exp(-a))

    same = np.array_equal(nb_logaddexp(x, y), np.logaddexp(x, y)) and np.array_equal(
        nb_expit(x), scipy.special.expit(x)
    )
    print(f"numba {numba.__version__}: same bits as numpy/scipy: {same}; "
          f"logaddexp {per_element(lambda: nb_logaddexp(x, y)) * 1e9:.1f} ns, "
          f"expit {per_element(lambda: nb_expit(x)) * 1e9:.1f} ns a call")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
