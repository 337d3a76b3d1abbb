"""``python -m assistant bench``: how fast the assistant is, measured, never asserted by a timed test.

The machines are shared and noisy, so every figure is a median (with its p95) and every comparison is a ratio
of two things measured in the same run, interleaved where they can be. Sections: ``ingest`` (against the bare
model's embedding time), ``queries`` (shipped corpus and synthetic 10k/100k chunks, each in its own process for
its memory), ``reference`` (the LangChain-tutorial pipeline of the evals), ``encoders`` (ONNX, fp32 and int8, vs torch
query vectors), ``startup`` and ``load`` (the real ``python app.py``), ``chroma_server`` (a local ``chroma run`` against
the embedded client). ``report`` writes docs/PERFORMANCE.md and docs/performance.json.
"""
