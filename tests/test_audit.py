"""Every claim of secs. 1-3 carries a computed verdict."""

import pytest

from qsym.audit.engine import VERDICTS, registry
from qsym.errors import InputError


EXPECTED = {  # what the derivations find (a change here is a change of physics)
    "eq1": "confirmed", "eq2": "confirmed", "eq3-5": "confirmed", "eq6": "confirmed", "eq7": "corrected",
    "eq8": "confirmed", "sec1-bounce": "confirmed", "eq9": "corrected", "sec1-metastable": "corrected",
    "eq10": "corrected", "eq11": "corrected", "sec2-global": "corrected", "sec2-surface": "confirmed",
    "eq12": "confirmed", "sec3-rescaling": "confirmed", "sec3-minimum": "confirmed",
    "eq13-eps": "confirmed", "eq13": "confirmed", "eq14": "confirmed", "eq15": "confirmed",
    "eq14-identity": "confirmed", "sec3-small-Q": "confirmed", "footnote1": "confirmed",
    "sec2-no-lower-limit": "corrected", "sec2-Qmin-artifact": "confirmed", "sec3-S_psi": "confirmed",
    "eq14-numeric": "confirmed", "beads-size": "corrected", "eq17-normalisation": "corrected", "sec4-lbeads": "corrected",
    "eq18": "confirmed", "sec1-spherical": "unchecked", "sec4-evaporation": "confirmed",
}


@pytest.fixture(scope="module")
def results(full_audit):
    """The full audit (conftest.full_audit: run once per test run, shared with test_audit_latex.py and
    test_report_pdf.py)."""
    return {r.id: r for r in full_audit() if r.section in (1, 2, 3) or r.id in EXPECTED}


def test_every_numbered_equation_is_audited():
    import re
    covered = set()
    for c in registry():
        m = re.fullmatch(r"eq(\d+)(?:-(\d+))?", c.id) or re.match(r"eq(\d+)-", c.id)
        if m:
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.lastindex and m.lastindex > 1 and m.group(2) else lo
            covered |= set(range(lo, hi + 1))
    assert set(range(1, 20)) <= covered


@pytest.mark.parametrize("cid,verdict", sorted(EXPECTED.items()))
def test_verdicts(results, cid, verdict):
    r = results[cid]
    assert r.verdict == verdict, r.evidence
    assert r.evidence and not r.evidence.startswith("check raised")


def test_corrected_claims_carry_latex(results):
    for r in results.values():
        assert r.verdict in VERDICTS
        if r.verdict == "corrected":
            assert r.latex, r.id


def test_unchecked_only_with_reason(results):
    for r in results.values():
        if r.verdict == "unchecked":
            assert "not available" in r.evidence or "because" in r.evidence, r


def test_parallel_audit_gives_the_same_results_in_the_same_order():
    """Claims shared between two worker processes (spawned) give the results of one process."""
    from qsym.audit.engine import SHARED_CACHE, _bins, registry, run_audit
    ids = ["eq1", "eq2", "eq6", "eq7", "eq8"]
    strip = lambda rs: [{k: v for k, v in r.as_json().items() if k != "seconds"} for r in rs]  # noqa: E731
    one, two = run_audit(ids=ids, workers=1), run_audit(ids=ids, workers=2)
    assert [r.id for r in two] == [c.id for c in registry() if c.id in ids]
    assert strip(one) == strip(two)
    # the claims that share cached mu^2 points stay in one process
    bins = _bins(registry(), 2)
    for group in SHARED_CACHE:
        assert sum(any(c.id in group for c in b) for b in bins) == 1
    with pytest.raises(InputError):
        run_audit(ids=ids, workers=0)
