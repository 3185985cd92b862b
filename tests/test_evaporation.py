"""Surface evaporation: the CCGM bound derived, evaluated on computed Q-balls, its scaling and lifetime."""

import mpmath
import pytest
import sympy as sp

from qsym import Potential
from qsym.errors import InputError
from qsym.api.evaporation import DEFINITIONS, evaporation_family, flux_bound, scaling_exponents


@pytest.fixture(scope="module")
def fam():
    """One family of the paper's potential (16 double-precision Q-balls, a few seconds)."""
    return evaporation_family(Potential("phi**2/2 - phi**3 + phi**4", ["phi"]), nodes=16)


def test_flux_bound_factor_and_dimension():
    fb = flux_bound()
    w = fb["symbols"]["omega"]
    assert sp.simplify(fb["per_area"] - w**3 / (192 * sp.pi**2)) == 0
    kF = fb["symbols"]["k_F"]
    # one-sided flux = n v/4 with n = k_F^3/(6 pi^2) the density of one filled species
    assert sp.simplify(fb["flux_of_kF"] - kF**3 / (6 * sp.pi**2) / 4) == 0
    assert fb["scaling"] == fb["symbols"]["lambda"]


def test_scaling_exponents_symbolic():
    assert scaling_exponents(3) == {"thin": sp.Rational(2, 3), "thick": -2, "Q_thick": sp.Rational(1, 2)}
    assert scaling_exponents(4)["thick"] == 2 and scaling_exponents(4)["Q_thick"] == sp.Rational(-1, 2)
    assert scaling_exponents(None, degenerate=True)["thin"] == sp.Rational(1, 5)


def test_area_law_and_thick_wall_slopes(fam):
    for d in ("rms", "half"):
        assert abs(fam.slope("thin", d) - mpmath.mpf(2) / 3) < 0.01
    assert abs(fam.slope("thin", "paper")) < 0.01          # eq. (15)'s radius tends to a constant
    for d in DEFINITIONS:
        assert abs(fam.slope("thick", d) + 2) < 0.01


def test_rate_is_the_bound_at_each_qball(fam):
    r = fam.rows[0]
    for d in DEFINITIONS:
        R = r["radii"][d]
        assert mpmath.almosteq(r["rate"][d], r["omega"] ** 3 * R**2 / (48 * mpmath.pi), 1e-12)
    # thin walls: the rms-ball and half-height radii agree to a few per cent, the paper's radius does not
    big = max(fam.rows, key=lambda r: r["Q"])
    assert abs(big["radii"]["rms"] / big["radii"]["half"] - 1) < 0.05
    assert big["radii"]["paper"] < big["radii"]["half"] / 100


def test_lifetime_monotone_and_asymptotic(fam):
    for d in DEFINITIONS:
        taus = [fam.lifetime(Q, d) for Q in (1e-3, 1, 1e3, 1e6, 1e15, 8e15)]
        assert all(a < b for a, b in zip(taus, taus[1:]))
        # thick-wall tail: Gamma ~ Q^-2, so tau ~ Q^3 as Q -> 0
        assert mpmath.almosteq(fam.lifetime(2e-3, d) / taus[0], 8, 1e-9)
    # thin walls: tau ~ Q^(1/3) (ratio -> 2 for a factor 8 in Q)
    t1, t2 = fam.lifetime(1e15, "half"), fam.lifetime(8e15, "half")
    assert abs(t2 / t1 - 2) < 0.02


def test_lifetime_agrees_with_more_nodes(fam):
    f2 = evaporation_family(Potential("phi**2/2 - phi**3 + phi**4", ["phi"]), nodes=22)
    for Q in (1, 1e4):
        assert abs(fam.lifetime(Q, "rms") / f2.lifetime(Q, "rms") - 1) < 0.02


def test_bad_input(fam):
    with pytest.raises(InputError):
        fam.lifetime(10, "volume")
    with pytest.raises(InputError):
        fam.lifetime(-1, "rms")
    with pytest.raises(InputError):
        evaporation_family(Potential("a**2/2 + b**2/2 - a*b**2", ["a", "b"]))


def test_chebyshev_recurrence_matches_mpmath():
    import mpmath as mp
    from qsym.api.evaporation import _cheb_values
    t = mp.mpf("0.37")
    T, U = _cheb_values(t, 9), _cheb_values(t, 9, 2)
    assert all(abs(T[j] - mp.chebyt(j, t)) < 1e-14 and abs(U[j] - mp.chebyu(j, t)) < 1e-14 for j in range(9))
