# Two commands for a fresh machine (see README): `make demo` and `make test`.
# Everything is installed from the project's own files: uv (pinned) into .tools/,
# the locked dependencies into .venv/, Neo4j's jars (via Maven) into ~/.cache/scholargraph.

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test lint format bench-ingest bench-api schema neo4j-stop clean

$(UV):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

## Set up everything, start Neo4j, load the sample, serve GraphQL + GraphiQL on :8000.
demo: $(VENV)/.synced
	$(VENV)/bin/scholargraph demo

## Run the whole test suite against a real Neo4j the suite starts itself.
test: $(VENV)/.synced
	$(VENV)/bin/pytest

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.synced
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

schema: $(VENV)/.synced
	$(VENV)/bin/scholargraph export-schema schema.graphql

neo4j-stop: $(VENV)/.synced
	$(VENV)/bin/scholargraph neo4j stop

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache .pytest_cache
