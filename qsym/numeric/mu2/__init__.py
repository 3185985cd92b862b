"""The global minimum of mu^2 = 2U / sum q^2 phi^2: branch and bound, thresholds."""
