# Cruddur — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python
PYTEST := .venv/bin/pytest
export UV_PYTHON_DOWNLOADS := never
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

.PHONY: help install run test test-unit test-py test-frontend lint spa openapi synth lambdas bench seed-large purge moderator deploy rollback replay-dlq clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: ## install Python (uv.lock) and frontend (package-lock.json) dependencies
	@scripts/bootstrap.sh python frontend

openapi: install ## dump every service's OpenAPI into frontend-react-js/openapi and regenerate the SPA's API types
	@$(PY) -m devstack.openapi
	@if [ -f frontend-react-js/package.json ]; then cd frontend-react-js && npm run --silent gen:api; fi

spa: install ## build the SPA once (skipped when nothing changed)
	@$(PY) -m devstack.spa build

run: install spa ## start the whole product on http://127.0.0.1:$${CRUDDUR_PORT:-8080}
	@exec $(PY) -m devstack run

test: ## install what the tests need and run every suite
	@scripts/bootstrap.sh python frontend browser redis
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-frontend
	@$(MAKE) --no-print-directory test-py

test-unit: install ## quick loop: the Python unit tests only (tests/unit; never starts the local stack)
	@$(PY) -m pytest -q -p no:cacheprovider -p tests.unit_only tests/unit

test-py: ## Python suites: unit, integration (embedded Postgres + moto), infra, e2e
	@$(PY) -m devstack.spa build
	@$(PYTEST) -q -p no:cacheprovider

test-frontend: ## Vitest unit tests of the SPA
	@if [ -f frontend-react-js/package.json ]; then cd frontend-react-js && npm run --silent test; fi

lint: ## ruff (lint + format check), mypy, and ESLint on the SPA
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
	@if [ -f frontend-react-js/package.json ]; then cd frontend-react-js && npm run --silent lint; fi

synth: install lambdas ## synthesize the CloudFormation templates into infra/cdk.out
	@cd infra && ../$(PY) app.py

lambdas: install ## build one deployable zip per Lambda into build/lambdas
	@$(PY) -m devstack.lambdas build

bench: install spa ## run the benchmarks and print the figures for docs/performance.md
	@scripts/bootstrap.sh redis
	@$(PY) -m bench.run

seed-large: install ## load the large data set (1,000 users, 100,000 cruds; SCALE=10: ten times the cruds)
	@$(PY) -m devstack seed-large

purge: install ## delete expired cruds and what hangs off them
	@$(PY) -m devstack purge

moderator: install ## make a user of `make run` a moderator: make moderator EMAIL=someone@example.com
	@$(PY) -m devstack moderator "$(EMAIL)"

deploy: install ## deploy one service: make deploy SERVICE=activity
	@$(PY) -m devstack.deploy deploy --service "$(SERVICE)"

rollback: install ## roll one service back: make rollback SERVICE=activity
	@$(PY) -m devstack.deploy rollback --service "$(SERVICE)"

replay-dlq: install ## replay the stream's dead-letter queue: make replay-dlq QUEUE=<url> FUNCTION=cruddur-messaging-stream
	@$(PY) -m devstack.replay_dlq $(if $(QUEUE),--queue "$(QUEUE)") $(if $(FUNCTION),--function "$(FUNCTION)")

clean: ## remove local data (Postgres, moto state) and build output
	rm -rf .data .test-data build frontend-react-js/dist infra/cdk.out
