# Aftercare: `make run` starts the whole network locally, `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install run demo test lint architecture typecheck unit integration e2e browser fuzz deploy bench docs clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

run: install
	$(BIN)/aftercare run

# A month of operations through the REST APIs, expected vs reported KPIs (demo/, README).
demo: install
	$(BIN)/python -m demo $(DEMO_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

architecture: install
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy

test: lint architecture typecheck
	$(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit tests/contract

integration: install
	$(BIN)/pytest tests/integration

e2e: install
	$(BIN)/pytest tests/e2e

browser: install
	$(BIN)/pytest -s tests/browser

fuzz: install
	$(BIN)/pytest tests/fuzz

deploy: install
	$(BIN)/python -m deploy.k8s.generator --check
	$(BIN)/pytest tests/deploy tests/unit/test_compose.py tests/unit/test_images.py

bench: install
	$(BIN)/python bench/eventing.py

docs: install
	$(BIN)/aftercare asyncapi --output docs/asyncapi.yaml
	$(BIN)/aftercare topology --definitions deploy/rabbitmq/definitions.json
	$(BIN)/python -m deploy.grafana.boards
	$(BIN)/python -m deploy.k8s.generator

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
