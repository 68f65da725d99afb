# The two README commands: `make demo` and `make test`. Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install i18n docs clean typecheck

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/comptoir demo $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

# mypy, strict, on core/ (pyproject.toml's [tool.mypy]); CI runs it
typecheck: $(STAMP)
	$(BIN)/mypy

# re-extract user-facing strings and recompile the catalogs after changing them
i18n: $(STAMP)
	$(BIN)/pybabel extract --no-location --omit-header -k N_ -o core/locale/comptoir.pot core storage bots
	$(BIN)/pybabel update --no-fuzzy-matching -i core/locale/comptoir.pot -d core/locale -D comptoir
	$(BIN)/pybabel compile -d core/locale -D comptoir

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache

# re-write the journey transcripts (docs/journeys/) from what the bots send now: review the diff, commit it
.PHONY: journeys
journeys: $(STAMP)
	COMPTOIR_UPDATE_JOURNEYS=1 $(BIN)/python -m pytest tests/journeys -q $(ARGS)

# re-render the transition table into docs/engine.md
docs: $(STAMP)
	$(BIN)/python tools/render_docs.py

# the deterministic fault-injecting simulation (sim/README.md): SEEDS seeds from 1, each replayable
SEEDS ?= 20
SIM_ARGS ?= --orders 50 --steps 500
.PHONY: sim
sim: $(STAMP)
	$(BIN)/python -m sim --seeds $(SEEDS) $(SIM_ARGS)

# a benchmark (bench/README.md): make bench NAME=transitions ARGS="--quick --json"
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m bench $(NAME) $(ARGS)
