#!/usr/bin/env bash
# A local OpenAI-compatible llama.cpp server for manual use, on loopback only, with the packaged Gemma 3 270M
# GGUF (assembled once into ~/.cache/clusterdesk/models) or the GGUF named by MODEL. Needs the llm extra.
# Then: ASSISTANT_LLM_BACKEND=openai ASSISTANT_LLM_BASE_URL=http://127.0.0.1:$PORT/v1 .venv/bin/python app.py
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8080}
MODEL=${MODEL:-$("$PY" -c 'from assistant.answering.llm import default_model_path; print(default_model_path())')}
echo "serving $MODEL at http://127.0.0.1:$PORT/v1" >&2
exec "$PY" -m llama_cpp.server --model "$MODEL" --host 127.0.0.1 --port "$PORT" \
    --n_ctx "${N_CTX:-4096}" --n_threads "${N_THREADS:-$(( $(nproc) > 1 ? $(nproc) - 1 : 1 ))}"
