"""The claims audit: a registry of the paper's statements (:mod:`qsym.audit.engine`) and one
module of claims per paper section."""
from qsym.audit.engine import ClaimResult, claim, registry, run_audit

__all__ = ["ClaimResult", "claim", "registry", "run_audit"]
