"""The logit quantal response equilibrium against Gambit and against closed forms."""

from __future__ import annotations

import numpy as np
import pygambit as gbt
import pytest
from pygambit import qre as gambit_qre

from sim.games import best_response_gap, logit_response, qre_2x2, select_2x2

#: An asymmetric game whose principal branch bends back in λ (an S: turning points at
#: λ of about 5.09 and 3.67), found in a scan of random games with Gambit.
FOLDED = (np.array([[-0.91, -0.14], [0.27, 0.1]]), np.array([[-2.34, 2.03], [0.91, 0.57]]))


def _random_games(n: int, seed: int):
    """Random normal games, stag-hunt shaped games and games on several payoff scales."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            A, B = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
        elif kind == 1:
            w = rng.uniform(0, 2)
            h, s = rng.uniform(w + 0.1, 4), rng.uniform(-3, w)
            f = rng.uniform(w, h)
            A = np.array([[h, s], [f, w]])
            B = np.array([[h, f], [s, w]]) + np.array([[1, 1], [1, 0]]) * rng.normal(0, 0.5, (2, 2))
        else:
            A = rng.normal(size=(2, 2)) * 10 ** rng.uniform(-1.5, 1.5)
            B = rng.normal(size=(2, 2)) * 10 ** rng.uniform(-1.5, 1.5)
        out.append((A, B, float(10 ** rng.uniform(-1, 2))))
    return out


def _gambit(A, B, lam):
    game = gbt.StrategicGame.from_arrays(A, B)
    profile = gambit_qre.logit_solve_lambda(game, lam=lam, use_strategic=True)[0].profile
    return float(profile["1"]["2"]), float(profile["2"]["2"])


def test_principal_branch_equals_gambits_on_random_games():
    """200 random games (and the folded one at six precisions): the attack probabilities
    equal pygambit's logit_solve_lambda (principal branch) within 1e-6."""
    games = _random_games(200, seed=20261201)
    games += [(*FOLDED, lam) for lam in (3.0, 4.0, 4.5, 5.0, 6.0, 10.0)]
    A = np.array([g[0] for g in games])
    B = np.array([g[1] for g in games])
    lam = np.array([g[2] for g in games])
    p, q = qre_2x2(A, B, lam)
    want = np.array([_gambit(*g) for g in games])
    np.testing.assert_allclose(p, want[:, 0], atol=1e-6, rtol=0)
    np.testing.assert_allclose(q, want[:, 1], atol=1e-6, rtol=0)


def test_the_folded_branch_is_followed_past_its_turning_points():
    """Between the turning points three QRE exist; the principal branch's is the first
    one it reaches, which a plain continuation in λ would get wrong above the fold."""
    lams = np.array([4.5, 6.0])
    p, q = qre_2x2(
        np.broadcast_to(FOLDED[0], (2, 2, 2)), np.broadcast_to(FOLDED[1], (2, 2, 2)), lams
    )
    want = np.array([_gambit(*FOLDED, lam) for lam in lams])
    np.testing.assert_allclose(np.stack([p, q], axis=1), want, atol=1e-6)
    assert q[0] - q[1] > 0.5  # past the turning point the branch is on the other side


def test_at_zero_precision_everyone_randomises():
    p, q = qre_2x2([[4, 0], [3, 3]], [[4, 3], [0, 3]], 0.0)
    assert (float(p), float(q)) == (0.5, 0.5)
    p, q = qre_2x2([[4, 0], [3, 3]], [[4, 3], [0, 3]], 0.0, per_year=4)
    np.testing.assert_allclose([p, q], 1 - 0.5**0.25)


def test_matching_pennies_stays_at_the_centre():
    for lam in (0.1, 1.0, 50.0):
        p, q = qre_2x2([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], lam)
        np.testing.assert_allclose([p, q], 0.5, atol=1e-12)


def test_logit_fixed_point_holds():
    """p = L(λ Δ_row(q)) and q = L(λ Δ_col(p)) at the returned point (k = 1)."""
    games = _random_games(300, seed=3)
    A = np.array([g[0] for g in games])
    B = np.array([g[1] for g in games])
    lam = np.array([g[2] for g in games])
    p, q = qre_2x2(A, B, lam)
    gain_row = (A[:, 1, 0] - A[:, 0, 0]) * (1 - q) + (A[:, 1, 1] - A[:, 0, 1]) * q
    gain_col = (B[:, 0, 1] - B[:, 0, 0]) * (1 - p) + (B[:, 1, 1] - B[:, 1, 0]) * p
    np.testing.assert_allclose(p, logit_response(lam * gain_row), atol=1e-10)
    np.testing.assert_allclose(q, logit_response(lam * gain_col), atol=1e-10)


def test_the_response_per_year_compounds_to_the_logit_rule():
    """Attacking in k decisions of 1 - (1 + e^x)^(-1/k) each adds up to the logit
    probability of attacking within the year."""
    x = np.linspace(-30, 30, 121)
    for k in (1, 4, 12):
        r = logit_response(x, k)
        np.testing.assert_allclose(1 - (1 - r) ** k, 1 / (1 + np.exp(-x)), rtol=1e-12, atol=1e-15)
        low = x < 10  # (1 - r)^k = 1 / (1 + e^x) to full precision while 1 - r is not tiny
        np.testing.assert_allclose(k * np.log1p(-r[low]), -np.logaddexp(0.0, x[low]), rtol=1e-12)


@pytest.mark.parametrize(
    "A, B, nash",
    [
        ([[4, 0], [3, 3]], [[4, 3], [0, 3]], (1.0, 1.0)),  # stag hunt: (A, A) risk-dominates
        ([[5, 0], [1, 1]], [[5, 1], [0, 1]], (0.0, 0.0)),  # here (H, H) risk-dominates
        ([[0, 2], [5, -1]], [[0, 5], [3, -1]], (1.0, 0.0)),  # chicken: (A, H) risk-dominates
    ],
)
def test_large_precision_tends_to_the_risk_dominant_equilibrium(A, B, nash):
    """The limit of the principal branch in a 2x2 game with two strict equilibria is the
    risk-dominant one (Harsanyi and Selten's selection), as select_2x2 computes it."""
    p, q = qre_2x2(A, B, 200.0)
    np.testing.assert_allclose([p, q], nash, atol=1e-6)
    assert tuple(float(v) for v in select_2x2(A, B, "risk_dominant")) == nash


def test_large_precision_approaches_a_nash_equilibrium():
    games = _random_games(150, seed=8)
    for A, B, _ in games:
        p, q = qre_2x2(A, B, 2000.0 / max(np.abs(A).max(), np.abs(B).max()))
        row, col = np.array([1 - p, p]), np.array([1 - q, q])
        scale = max(np.abs(A).max(), np.abs(B).max())
        assert max(best_response_gap(A, B, row, col)) <= 1e-2 * scale


def test_continuous_in_the_payoffs_away_from_turning_points():
    """A first-strike bonus moves the attack payoffs smoothly; so does the QRE, at a
    precision where the branch has no turning point."""
    bonus = np.linspace(0.0, 0.5, 201)
    A = np.zeros((bonus.size, 2, 2))
    A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1] = 3.0, 1.0 - bonus, 2.0 + bonus, 1.5
    B = A.transpose(0, 2, 1).copy()
    p, _ = qre_2x2(A, B, 1.0)
    assert np.max(np.abs(np.diff(p))) < 0.01
    assert np.all(np.diff(p) > 0)  # a larger bonus, more attacks


def test_a_turning_point_that_crosses_the_precision_makes_it_jump():
    """At a high precision the same family crosses the point where the branch's turning
    point passes the precision: the QRE jumps from near (Hold, Hold) to near mutual attack
    within a tiny change of the bonus (as the risk-dominant equilibrium switches)."""
    bonus = np.linspace(0.0, 0.5, 200)  # 200 points: the exactly symmetric 0.25 is not one
    A = np.zeros((bonus.size, 2, 2))
    A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1] = 3.0, 1.0 - bonus, 2.0 + bonus, 1.5
    B = A.transpose(0, 2, 1).copy()
    p, _ = qre_2x2(A, B, 3.0)
    assert p[0] < 0.2 and p[-1] > 0.8 and np.max(np.diff(p)) > 0.2
    want = [_gambit(A[i], B[i], 3.0)[0] for i in range(0, 200, 19)]
    np.testing.assert_allclose(p[::19], want, atol=1e-6)


def test_at_a_symmetric_fork_ties_go_toward_peace():
    """At bonus 0.25 the game's mixed equilibrium is the centre, a QRE at every precision;
    past the fork the branch takes the side where the row player attacks least."""
    A = np.array([[3.0, 0.75], [2.25, 1.5]])
    p, q = qre_2x2(A, A.T, 3.0)
    assert float(p) < 0.3 and float(q) < 0.3
    np.testing.assert_allclose([p, q], _gambit(A, A.T, 3.0), atol=1e-6)  # Gambit agrees here
    np.testing.assert_allclose(qre_2x2(A, A.T, 0.5), 0.5, atol=1e-12)  # before the fork


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="precision"):
        qre_2x2([[1, 0], [0, 1]], [[1, 0], [0, 1]], -1.0)
    with pytest.raises(ValueError, match="shape"):
        qre_2x2(np.zeros((3, 3)), np.zeros((3, 3)), 1.0)
    with pytest.raises(ValueError, match="per_year"):
        qre_2x2([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1.0, per_year=0)


def test_a_game_s_qre_does_not_depend_on_the_games_solved_beside_it():
    """Each game's iterations stop at its own convergence: solved in a batch or alone, the
    same bits (so a draw's answer does not depend on its chunk)."""
    rng = np.random.default_rng(11)
    A, B = rng.normal(0, 2, (300, 2, 2)), rng.normal(0, 2, (300, 2, 2))
    A[:100, 1, 1] += 4.0  # coordination games among them: the branch is traced
    B[:100, 1, 1] += 4.0
    lam = rng.uniform(0.1, 30.0, 300)
    p, q = qre_2x2(A, B, lam, per_year=4.0)
    for i in range(0, 300, 7):
        pi, qi = qre_2x2(A[i], B[i], lam[i], per_year=4.0)
        assert (float(pi), float(qi)) == (p[i], q[i])
    half = qre_2x2(A[::2], B[::2], lam[::2], per_year=4.0)
    assert np.array_equal(half[0], p[::2]) and np.array_equal(half[1], q[::2])
