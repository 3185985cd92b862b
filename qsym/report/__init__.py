"""The LaTeX report: formatting (:mod:`qsym.symbolic.latex`), figures, the audit section and the
document. Nothing here solves; it typesets what the other layers computed."""
