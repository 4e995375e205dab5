# Two commands do all the set-up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
# Screens with video need a real X server; without a display the tests run under a virtual one.
XRUN := $(if $(DISPLAY),,$(shell command -v xvfb-run >/dev/null 2>&1 && echo 'xvfb-run -a -s "-screen 0 1366x800x24"'))
PYTEST_ARGS ?=

.PHONY: bootstrap test lint check-imports demo bench bench-call bench-outbox screenshots bundle clean bench-search bench-pool bench-resilience bench-recording bench-cluster

bootstrap:
	@bash tools/bootstrap.sh

lint: bootstrap
	@echo "== ruff"; $(PY) -m ruff check . && $(PY) -m ruff format --check .
	@echo "== mypy"; $(PY) -m mypy
	@echo "== dependency rule (import-linter)"; $(VENV)/bin/lint-imports --no-cache

test: lint
	@$(XRUN) bash tools/run_tests.sh $(PY) $(PYTEST_ARGS)

# With a display: windows. Without one: a scripted walkthrough on a virtual screen, with screenshots.
demo: bootstrap
	@$(if $(DISPLAY),$(PY) tools/demo.py,$(XRUN) $(PY) tools/demo.py --walkthrough)

bench: bench-call bench-search bench-outbox bench-pool bench-resilience bench-recording bench-cluster

bench-call: bootstrap
	@$(XRUN) $(PY) bench/bench_call.py

bench-outbox: bootstrap
	@$(PY) bench/bench_outbox.py

# QUERIES=path runs another JSONL file of questions (same format as ../shared/corpus/legal_qa_dev.jsonl).
bench-search: bootstrap
	@$(XRUN) $(PY) bench/bench_search.py $(if $(QUERIES),--queries $(QUERIES))

# 2,000 terminals and 100 lawyers on real WebSockets to one server process, calls at 20/s for 60 s.
bench-pool: bootstrap
	@$(PY) bench/bench_pool.py

# 3 cluster nodes on real PostgreSQL and Redis, 3,000 terminals, 150 lawyers in 30 centres, calls at
# 30/s, one node SIGKILLed mid-run. SMALL=1: 600 terminals, 60 lawyers, 12 centres, 10/s.
bench-cluster: bootstrap
	@$(PY) bench/bench_cluster.py

# Outages, 30% loss, a 256 kbit/s cap, a pool server restart, echo: about 4 minutes.
bench-resilience: bootstrap
	@$(PY) bench/bench_resilience.py

# The desk's consented recording: CPU share and size of a few seconds' recording.
bench-recording: bootstrap
	@$(PY) bench/bench_recording.py

screenshots: bootstrap
	@$(XRUN) $(PY) tools/screenshots.py

# One-folder PyInstaller bundles of the kiosk and the desk in dist/, each smoke-tested offscreen.
bundle: bootstrap
	@$(PY) tools/bundle.py $(BUNDLE_ARGS)

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache var/*.sqlite3 demo-output
