"""The global minimum of mu^2 = 2U / sum q^2 phi^2 over directions: branch and bound, thresholds.

Numeric layer only (numpy / mpmath / python-flint); the Potential-level entry points are in
:mod:`qsym.api.mu2`.  The proof that ``certified`` stands for is written down in ``docs/certified.md``.

- :mod:`~qsym.numeric.mu2.problem`: the plain-number input (made by the api through the bridge)
- :mod:`~qsym.numeric.mu2.poly`: polynomials with exact and float coefficients, interval bounds
- :mod:`~qsym.numeric.mu2.patches`: orthant patches and the box charts covering their directions
- :mod:`~qsym.numeric.mu2.bounds`: the ray minimum g(psi) and its double-precision lower bounds on boxes
  (the fast pass: it proposes which boxes to discard)
- :mod:`~qsym.numeric.mu2.ballchart`: the charts' polynomials with exact coefficients as Arb balls
- :mod:`~qsym.numeric.mu2.ballbounds`: the certificate: lower bounds on boxes, g at a point and the
  existence witness in ball arithmetic (every discarding and existence decision is made here)
- :mod:`~qsym.numeric.mu2.witness`: exact decisions at single directions
- :mod:`~qsym.numeric.mu2.branch_bound`: the search (``minimize``)
- :mod:`~qsym.numeric.mu2.polish`: Newton polish of the minimiser
- :mod:`~qsym.numeric.mu2.threshold`: certified bisection in a parameter
- :mod:`~qsym.numeric.mu2.result`: ``Mu2Result``, ``ThresholdResult``
"""
