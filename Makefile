# Two commands do all set-up on a fresh Debian machine with Python 3.11 (as root):
#   make demo   - install everything, then run vanban on every bundled sample (outputs/demo/)
#   make test   - install everything, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-fast bench bench-graph bench-batch samples clean

setup: $(STAMP)

$(STAMP): setup.cfg pyproject.toml scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test,dask]'
	touch $@

demo: setup
	$(BIN)/python scripts/demo.py

test: setup
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not slow"

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/extract.py

bench-graph: setup   # builds a 1.1 GB synthetic archive under outputs/bench/ (about a minute), then measures
	$(BIN)/python bench/graph.py

bench-batch: setup   # a 1,000-letter inbox under outputs/bench/batch/, filed with 1 and 2 workers and on Dask
	$(BIN)/python bench/batch.py

samples: setup
	$(BIN)/python samples/make_samples.py

clean:
	rm -rf $(VENV) build *.egg-info
