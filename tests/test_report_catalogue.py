"""The catalogue's atlases in the report (qsym/report/catalogue_figure.py and the catalogue part of
document.py): the figure is written, the text quotes the atlases' own numbers, and a model that the
engines refuse (InputError) is skipped with a one-line note.  Cheap: one small atlas of the paper's
potential (a few points, double precision), the rest from hand-made atlases."""

import math
from types import SimpleNamespace

import pytest

from qsym.errors import ConvergenceError, InputError
from qsym.report import document
from qsym.report.catalogue_figure import (CatalogueEntry, catalogue_atlases, catalogue_paragraph, figure_catalogue,
                                          local_exponents)
from qsym.symbolic.potential import Potential


@pytest.fixture(scope="module")
def paper_entry():
    """The paper's model at 6 chart points (about a second of CPU)."""
    entries, skipped = catalogue_atlases(["paper"], {"paper": 6})
    assert skipped == [] and len(entries) == 1
    return entries[0]


def _toy_atlas(qmin=27.964925628, qs=35.374661842, dim=3, law=None, notes=()):
    """Two branches meeting at Q_min: unstable (M/Q near 1) and stable (M/Q falling); ``law(Q)`` gives
    the stable branch's mass when set."""
    pts = [{"charge": qmin * 1.5, "mass": qmin * 1.5 * 1.001, "branch": 0, "stability": "unstable",
            "classically_stable": False, "bound": False}]
    for q in (qmin * 1.01, qs, 1e3, 1e5, 1e7, 1e9):
        mass = law(q) if law else q * (0.7 + 0.3 * (qs / q) ** 0.5)
        pts.append({"charge": q, "mass": mass, "branch": 1, "stability": "stable" if mass < q else "metastable",
                    "classically_stable": True, "bound": mass < q})
    return SimpleNamespace(points=pts, m_per_charge=1.0, Q_min=qmin, Q_s=qs, dim=dim, notes=tuple(notes),
                           cusps=({"charge": qmin, "mass": qmin * 1.0005},), branches=({}, {}),
                           thick_end={"limit": "infinity", "slope": -0.5, "predicted": "-1/2"})


def test_figure_is_written_for_small_atlases(tmp_path, paper_entry):
    toy = CatalogueEntry("toy", r"\frac{\varphi^{2}}{2} - \varphi^{4} + \varphi^{6}", _toy_atlas())
    flat = CatalogueEntry("flat", r"\log{\left(1 + \varphi^{2} \right)}",
                          _toy_atlas(law=lambda q: q**0.75, notes=("flat direction",)))
    for entries, name in (([paper_entry, toy, flat], "three.pdf"), ([toy], "one.png"), ([paper_entry, toy] * 2,
                                                                                          "grid.pdf")):
        path = tmp_path / name
        assert figure_catalogue(path, entries) == str(path)
        assert path.stat().st_size > 1000
    assert (tmp_path / "three.pdf").read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError):
        figure_catalogue(tmp_path / "none.pdf", [])


def test_text_quotes_the_atlas_numbers(paper_entry):
    a = paper_entry.atlas
    assert a.Q_min is None and a.thick_end["limit"] == "0"          # the paper's family: Q -> 0 (thick wall)
    toy = CatalogueEntry("toy", "U", _toy_atlas())
    text = catalogue_paragraph([paper_entry, toy], [])
    # the paper's thick-wall slope, measured, with its derived value
    assert f"{a.thick_end['slope']:.4g}" in text and a.thick_end["predicted"] in text
    qs = [float(p["charge"]) for p in a.points]
    assert f"{min(qs):.3g}" in text
    # the toy's Q_min and Q_s to 10 significant digits, read back as numbers
    assert r"Q_{\min} = 27.96492563" in text and "Q_s = 35.37466184" in text
    assert abs(float("27.96492563") - toy.atlas.Q_min) < 1e-8 * toy.atlas.Q_min
    assert r"\ref{fig:catalogue}" in text and "$D = 3$" in text


def test_plateau_exponent_is_measured_not_asserted():
    law = CatalogueEntry("flat", "U", _toy_atlas(law=lambda q: q**0.75 * math.log(q) ** 0.25,
                                                 notes=("flat direction: plateau",)))
    ex = local_exponents(law.atlas)
    text = catalogue_paragraph([law], [])
    for _, _, p in ex[-4:]:
        assert f"{p:.4g}" in text
    # Q^(3/4) (log Q)^(1/4): the local exponent -1/4 + 1/(4 log Q) approaches -1/4 from above
    assert all(-0.25 < p < -0.2 for _, _, p in ex[-3:])
    assert "approaching the flat-direction law's $-1/4$" in text and "not monotonically" not in text
    # data that move away from the law are reported as such
    away = CatalogueEntry("flat", "U", _toy_atlas(law=lambda q: q ** (0.75 + 0.01 * math.log(q)),
                                                  notes=("flat direction",)))
    assert "not monotonically approaching" in catalogue_paragraph([away], [])
    # a pure power law: every chord is exactly -1/4
    pure = _toy_atlas(law=lambda q: q**0.75)
    assert all(abs(p + 0.25) < 1e-12 for _, _, p in local_exponents(pure)[1:])


def test_model_raising_input_error_is_skipped_with_its_note(paper_entry):
    def potential_fn(name):
        if name == "gravity":
            raise InputError("U ~ phi^2 log phi^2 is not analytic at phi = 0")
        return Potential("phi**2/2 - phi**3 + phi**4", ["phi"])

    calls = []

    def atlas_fn(P, points):
        calls.append(points)
        if points == 7:
            raise InputError("the window cannot be decided")
        if points == 8:
            raise ConvergenceError("a bounce failed")
        return paper_entry.atlas

    entries, skipped = catalogue_atlases(["paper", "gravity", "refused", "diverged"],
                                         {"paper": 5, "refused": 7, "diverged": 8}, atlas_fn=atlas_fn,
                                         potential_fn=potential_fn)
    assert [e.name for e in entries] == ["paper"] and calls == [5, 7, 8]
    assert skipped == [("gravity", "not yet solvable: U ~ phi^2 log phi^2 is not analytic at phi = 0"),
                       ("refused", "not yet solvable: the window cannot be decided"),
                       ("diverged", "atlas not computed: a bounce failed")]
    text = catalogue_paragraph(entries, skipped)
    assert (r"\texttt{gravity}: not yet solvable: U \textasciitilde{} phi\textasciicircum{}2 log "
            r"phi\textasciicircum{}2 is not analytic at phi = 0.") in text
    assert text.count(r"\texttt{") == 5          # "qsym --model" and the four models


def test_known_atlas_is_reused_not_recomputed(paper_entry):
    P = Potential("phi**2/2 - phi**3 + phi**4", ["phi"])

    def atlas_fn(P, points):
        raise AssertionError("recomputed a known atlas")

    entries, skipped = catalogue_atlases(["paper"], 5, known={P.single_field()[1]: paper_entry.atlas},
                                         atlas_fn=atlas_fn)
    assert skipped == [] and entries[0].atlas is paper_entry.atlas and entries[0].cpu < 0.5


def test_document_part_skips_reuses_and_draws(tmp_path, monkeypatch, paper_entry):
    """The report's catalogue part: the unknown model gets its note, the model whose U is the report's atlas
    potential is not recomputed (its atlas comes from the report's atlas), the others get their panels."""
    monkeypatch.setattr(document, "CATALOGUE_ATLAS", ("paper", "nosuch", "sextic"))
    monkeypatch.setattr(document, "CATALOGUE_POINTS", {"paper": 6})
    entries, skipped = document._catalogue_atlases()
    assert [e.name for e in entries] == ["paper", "sextic"] and entries[1].atlas is None
    assert skipped[0][0] == "nosuch" and skipped[0][1].startswith("not yet solvable: unknown model")
    sextic = _toy_atlas()
    parts = document._catalogue_part(tmp_path, entries, skipped, sextic)
    assert entries[1].atlas is sextic and len(parts) == 2
    assert (tmp_path / "catalogue_atlas.pdf").read_bytes().startswith(b"%PDF")
    assert r"\texttt{nosuch}: not yet solvable: unknown model" in parts[0]
    assert r"Q_{\min} = 27.96492563" in parts[0]
    assert r"\includegraphics" in parts[1] and r"\label{fig:catalogue}" in parts[1]
    assert "catalogue_atlas.pdf" in document.REPORT_FILES
    assert document.CATALOGUE_SLOT.startswith("%")          # a LaTeX comment where it is not replaced
