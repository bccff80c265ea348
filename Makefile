# Groundlink — every target creates the virtual environment it needs by itself.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast bench synth layer lint clean

# The first install downloads a few hundred MB (CDK library, moto, numpy, FastAPI…): pip shows each package.
$(STAMP): pyproject.toml
	@echo "==> Installing Groundlink and its dependencies into $(VENV) (first time only: a minute or two)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e ".[infra,dev,cli]"
	touch $(STAMP)
	@echo "==> $(VENV) is ready: the CLI is $(BIN)/groundlink (or 'source $(BIN)/activate', then 'groundlink')"

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch node_modules/.installed

## Run the whole platform locally: embedded AWS (moto), demo data, every HTTP group on one port.
run: $(STAMP)
	$(BIN)/python -m infra.local

## Run every test: unit, integration (moto), infrastructure (CDK), end-to-end (local runtime).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests

## The fast tier: the domain on in-memory adapters, the orbit core, the error formats (no AWS emulation).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -x -q tests/unit

## Orbit-core benchmark against Skyfield in the same process.
bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_orbit.py

## Build the orbit Lambda layer (no Docker).
layer: $(STAMP)
	$(BIN)/python layers/orbit/build_layer.py

## Synthesize the CDK app with the pinned CDK CLI (offline, no credentials).
synth: $(STAMP) node_modules/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" npx cdk synth --quiet

## Style, strict types on the domain and the surfaces, and the dependency direction (import-linter).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy --strict shared/domain shared/surfaces
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules cdk.out build .pytest_cache
