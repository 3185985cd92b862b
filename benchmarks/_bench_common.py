"""Shared by the benchmark scripts: the peer import (with numpy-2 shims) and best-of-N timing."""

from __future__ import annotations

import importlib
import math
import time


def ct_shims():
    """Aliases removed in numpy 2 that old CosmoTransitions code may use (benchmark only)."""
    import numpy as np
    for name, val in (("float", float), ("int", int), ("complex", complex)):
        if not hasattr(np, name):
            setattr(np, name, val)


def ct_import(module: str, attr: str | None = None):
    """``cosmoTransitions.<module>`` (or one attribute of it), or None with a note when unavailable."""
    try:
        ct_shims()
        mod = importlib.import_module(f"cosmoTransitions.{module}")
        return getattr(mod, attr) if attr else mod
    except Exception as exc:  # noqa: BLE001
        print(f"(CosmoTransitions unavailable: {exc}; its columns are skipped)")
        return None


def best_time(f, reps):
    """``(best wall time of reps calls after one warm-up call, last result)``."""
    out = f()  # warm-up
    best = math.inf
    for _ in range(reps):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out
