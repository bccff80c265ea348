# Groundlink — every target creates the virtual environment it needs by itself.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast bench synth install layer lint clean check-node hamlib console

# The first install downloads a few hundred MB (CDK library, moto, numpy, FastAPI…): pip shows each package.
$(STAMP): pyproject.toml
	@echo "==> Installing Groundlink and its dependencies into $(VENV) (first time only: a minute or two)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e ".[infra,dev,cli]"
	touch $(STAMP)
	@echo "==> $(VENV) is ready: the CLI is $(BIN)/groundlink (or 'source $(BIN)/activate', then 'groundlink')"

# The pinned CDK CLI, exactly as package-lock.json records it (npm ci: no resolution, no other fetch).
node_modules/.installed: package.json package-lock.json
	$(MAKE) --no-print-directory check-node
	npm ci --no-audit --no-fund
	touch node_modules/.installed

## Node.js >= 22 for the CDK targets (one line saying what is missing otherwise).
check-node: $(STAMP)
	$(BIN)/python -m infra.node_check

## Everything the CDK targets fetch, once: the virtual environment, the pinned CDK CLI and the Lambda assets'
## wheels (cached under build/). Afterwards `make synth` works offline.
install: $(STAMP) node_modules/.installed
	$(BIN)/python -m infra.build_assets

## The operator console (console/): its npm packages exactly as console/package-lock.json records them, then the
## build into console/dist (esbuild; the Natural Earth coastline from the world-atlas package). Node >= 20.
CONSOLE_SOURCES := $(shell find console/src console/scripts -type f 2>/dev/null)
console/node_modules/.installed: console/package.json console/package-lock.json
	cd console && npm ci --no-audit --no-fund
	touch $@
console/dist/index.html: console/node_modules/.installed $(CONSOLE_SOURCES)
	cd console && node scripts/build.mjs
console: console/dist/index.html

## Run the whole platform locally: embedded AWS (moto), demo data, every HTTP group on one port.
run: $(STAMP) console
	$(BIN)/python -m infra.local

## Hamlib's rotctld/rigctld (Debian libhamlib-utils) for the station agent's end-to-end test: installed when
## missing and apt-get can (root, non-interactive); otherwise that test skips and says why.
hamlib:
	@if command -v rotctld >/dev/null && command -v rigctld >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "==> Installing libhamlib-utils (rotctld, rigctld) for the station agent's end-to-end test"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libhamlib-utils >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libhamlib-utils >/dev/null 2>&1; } || \
	  echo "==> libhamlib-utils could not be installed: the Hamlib end-to-end test will skip"; \
	else echo "==> rotctld/rigctld missing and no apt-get as root: the Hamlib end-to-end test will skip"; fi

## Run every test: unit, integration (moto), infrastructure (CDK), end-to-end (local runtime).
test: $(STAMP) hamlib console
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

## Synthesize the CDK app with the pinned CDK CLI (offline once installed, no credentials): STAGE=prod for
## another stage (infra/stages.toml). The local CLI binary, never npx (which may fetch); no notices, no
## version check, no telemetry: nothing leaves the machine.
STAGE ?= dev
CDK := CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true PATH="$(CURDIR)/$(BIN):$$PATH" \
       node_modules/.bin/cdk
synth: $(STAMP) node_modules/.installed check-node console
	$(CDK) synth --quiet --no-notices -c stage=$(STAGE)

## Style, strict types on the domain and the surfaces, and the dependency direction (import-linter).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy --strict shared/domain shared/surfaces
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules cdk.out build .pytest_cache console/node_modules console/dist
