# Everything goes through .venv; each target installs what it needs first.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export ANONYMIZED_TELEMETRY=False
export GRADIO_ANALYTICS_ENABLED=False
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: run test test-llm ingest eval bench lint format install browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import assistant, torch, sentence_transformers, chromadb, gradio, bm25s, pypdf" 
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Headless Chromium for the browser tests, from Debian's packages when missing.
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

run: install
	$(BIN)/python app.py

ingest: install
	$(BIN)/python ingest.py

# The eval needs an index: ingest first (incremental: a few seconds when the index is current, a full build in a
# clean clone). The bench builds its own indexes (the full run from scratch, --quick from a copy of this one).
eval: install
	$(BIN)/python ingest.py
	$(BIN)/python -m assistant eval --qa evals/qa.jsonl

bench: install
	$(BIN)/python -m assistant bench

test: install browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not llm"

# The LLM path against a real llama.cpp server with the packaged Gemma GGUF. llama-cpp-python compiles (minutes);
# a portable CPU build, because a native one can use instructions a VM forbids and crash on the first token.
LLAMA_FLAGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
test-llm: install
	CMAKE_ARGS="$(LLAMA_FLAGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q -e '.[llm]' 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -m pytest -q -p no:cacheprovider -m llm

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf .index .pytest_cache evals/reports
