# waardigwerk: set up, test and run the stack. `make help` lists the targets.
# Every step prints what it runs and how long it took.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

# Never let a make target rewrite uv.lock: the pinned versions are the ones tested.
export UV_FROZEN := 1
UV ?= uv
STACK := $(UV) run python deploy/local/stack.py
PYTEST_ARGS ?=

# $(call step,WHAT,COMMAND): say what runs, run it, say how long it took.
step = @echo "==> $(1): $(2)"; start=$$SECONDS; $(2); echo "<== $(1): done in $$((SECONDS - start)) s"

.PHONY: help setup up down status test lint typecheck asyncapi demo bench chaos

help:
	@echo "make setup      install what is missing (uv, Java, Maven, PostgreSQL), Python packages, Kafka jars"
	@echo "make up         start the stack in the background; back once every part is healthy (.stack/env)"
	@echo "make down       stop exactly what make up started"
	@echo "make status     what runs where"
	@echo "make test       setup, lint, typecheck, then every test tier (starts a test-clock stack if none runs)"
	@echo "make demo       setup, up, replay the demo scenario; the stack keeps running"
	@echo "make bench      benchmarks on a stack of their own: tables beside the targets, JSON under .bench/"
	@echo "                (quick: BENCH_N=1000 BENCH_CEILING_N=20000 BENCH_RATE_S=5 BENCH_WARMUP_S=5 BENCH_IDLE_S=10 BENCH_DOMEIN=0)"
	@echo "make chaos      the fault matrix on a stack of its own: lost/duplicated per fault, JSON under .chaos/"
	@echo "make lint       ruff;  make typecheck: mypy;  make asyncapi: write and validate docs/asyncapi/"

setup:
	$(call step,system packages,deploy/bootstrap.sh)
	$(call step,python packages,$(UV) sync --frozen)
	$(call step,kafka jars,$(STACK) fetch)
	$(call step,browser test packages (axe-core from tests/browser/package-lock.json),npm ci --prefix tests/browser --no-audit --no-fund)
	$(call step,AsyncAPI CLI (from tools/asyncapi-cli/package-lock.json; again only when the lock changed),test tools/asyncapi-cli/node_modules/.package-lock.json -nt tools/asyncapi-cli/package-lock.json || npm ci --prefix tools/asyncapi-cli --no-audit --no-fund --ignore-scripts)
	$(call step,kubernetes manifest tools,deploy/k8s/tools.sh)

up:
	$(call step,start the stack,$(STACK) up)

down:
	$(call step,stop the stack,$(STACK) down)

status:
	@$(STACK) status

lint:
	$(call step,lint,$(UV) run ruff check .)

typecheck:
	$(call step,typecheck,$(UV) run mypy shared services tools bench deploy chaos)

test: setup lint typecheck
	$(call step,tests: unit + handler + integration + end-to-end,$(UV) run pytest $(PYTEST_ARGS))

# Written by `faststream docs gen` for each service, then checked by the AsyncAPI CLI (make setup installs it).
asyncapi:
	$(call step,asyncapi documents,$(UV) run python -m tools.asyncapi)
	$(call step,validate them,ls docs/asyncapi/*.yaml | xargs -n1 env CI=true tools/asyncapi-cli/node_modules/.bin/asyncapi validate --fail-severity warn)

demo: setup up
	$(call step,demo scenario,$(UV) run python -m tools.demo)

# The benchmarks fill every region's inspection capacity for weeks: they run on a stack of their own.
# Sizes and stages: BENCH_* variables, see bench/__main__.py and docs/performance.md.
# pg_stat_statements keeps 200 000 entries there (about 150 MB): each savepoint name of a stage is one.
BENCH_STACK := WAARDIGWERK_STACK_DIR=.bench/stack WAARDIGWERK_PORT_OFFSET=300 WAARDIGWERK_PG_STATEMENTS_MAX=200000
bench:
	rm -rf .bench/stack
	$(call step,a stack for the benchmarks (.bench/stack; every port +300; up twice: a busy machine starts slowly),$(BENCH_STACK) $(STACK) up || $(BENCH_STACK) $(STACK) up || { $(BENCH_STACK) $(STACK) down; exit 1; })
	$(call step,benchmarks,$(BENCH_STACK) $(UV) run python -m bench || { $(BENCH_STACK) $(STACK) down; exit 1; })
	$(call step,stop the benchmark stack,$(BENCH_STACK) $(STACK) down)

# The fault matrix kills, freezes and restarts the broker, the database and services: a stack of its own.
CHAOS_STACK := WAARDIGWERK_STACK_DIR=.chaos/stack WAARDIGWERK_PORT_OFFSET=400 WAARDIGWERK_KAFKA_PROXIED=1 WAARDIGWERK_PG_WAL_TMPFS_MB=512
chaos:
	rm -rf .chaos/stack
	$(call step,a stack for the fault matrix (.chaos/stack; every port +400),$(CHAOS_STACK) $(STACK) up)
	$(call step,fault matrix,$(CHAOS_STACK) $(UV) run python -m chaos || { $(CHAOS_STACK) $(STACK) down; exit 1; })
	$(call step,stop the chaos stack,$(CHAOS_STACK) $(STACK) down)
