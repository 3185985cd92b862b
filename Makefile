# Two commands on a fresh machine:  make demo  /  make test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    ?= qsym-report

.PHONY: demo test venv clean bench docs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

venv: $(VENV)/.installed

demo: venv
	$(VENV)/bin/qsym reproduce --out $(OUT)
	@echo "report written to $(OUT)/: report.tex, report.pdf (when pdflatex is installed), claims.json, figures"

# two worker processes; a test module stays on one worker (its module fixtures are built once)
test: venv
	$(PY) -m pytest -n 2 --dist loadfile --durations=25

# the documentation site: docs/_build/html (Sphinx + numpydoc; warnings are errors)
docs: venv
	$(PY) -m pip install -q -e ".[docs]"
	$(PY) -m sphinx -E -W --keep-going -b html docs docs/_build/html
	@echo "documentation written to docs/_build/html/index.html"

bench: venv
	$(PY) -m pip install -q -e ".[bench]"
	$(PY) benchmarks/bench_series.py
	$(PY) benchmarks/bench_bounce.py
	$(PY) benchmarks/bench_qball.py
	$(PY) benchmarks/bench_bounce_multi.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache docs/_build
