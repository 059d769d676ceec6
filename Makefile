# Two commands do all set-up on a fresh Debian machine with Python 3.11 (as root):
#   make demo   - install everything, then run vanban on every bundled sample (outputs/demo/)
#   make test   - install everything, then run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test test-fast bench bench-graph bench-batch samples translations clean

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

# after changing a sentence of the desk: the catalogue template, the Vietnamese catalogue updated from it, both
# compiled (.mo, committed). Translate the new entries in pipeline/desk/translations/vi/LC_MESSAGES/messages.po
# and run it again; tests/test_desk_i18n.py fails while one is untranslated or a .mo is stale.
I18N := pipeline/desk/translations
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k lazy_pgettext:1c,2 -k UsageError -k NotFound -k RunLocked \
	  --no-wrap --project vanban -o $(I18N)/messages.pot .
	$(BIN)/pybabel update -i $(I18N)/messages.pot -d $(I18N) -l vi --no-wrap
	$(BIN)/pybabel compile -d $(I18N) --statistics

clean:
	rm -rf $(VENV) build *.egg-info
