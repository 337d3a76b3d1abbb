"""report.json (everything), report.md and report.html (the same sections, for people) and PNG plots.

Markdown and HTML are rendered from one list of sections built from report.json's data, so the two cannot
disagree. Item text comes from eval files and from answers, so it is escaped in both (``html.escape``).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evals.dataset import EvalItem
from assistant.evals.gate import GateResult
from assistant.evals.matching import group_hits
from assistant.evals.metrics import (
    EVIDENCE_RECALL,
    GOLD_RECALL,
    HEADLINE,
    LABELS,
    LOWER_IS_BETTER,
    PASS_FAIL,
    Score,
    metric_value,
)
from assistant.evals.runner import ConfigResult

CI_BELOW = 50  # show confidence intervals for slices smaller than this
ANSWER_CHECKS = ("key_fact_accuracy", "refusal_accuracy", "citation_validity", "citation_support")
SLICE_COLUMNS = (  # answers: the first table of each slicing
    "key_fact_accuracy",
    "precision",
    "refusal_accuracy",
    "false_refusal_rate",
    "citation_validity",
    "citation_support",
    "latency_p50_ms",
    "latency_p95_ms",
)
RETRIEVAL_COLUMNS = (*EVIDENCE_RECALL, "evidence_mrr", *GOLD_RECALL, "gold_mrr", "gold_ndcg_at_10")
TEXT_LIMIT = 700


def failed_metrics(scores: Mapping[str, Score]) -> list[str]:
    """The pass/fail metrics this item counts against (a false refusal counts against its rate)."""
    bad = [m for m in PASS_FAIL if scores.get(m) is False and m != "false_refusal_rate"]
    return [*bad, "false_refusal_rate"] if scores.get("false_refusal_rate") is True else bad


def vs_reference(results: Mapping[str, ConfigResult]) -> dict[str, Any]:
    """Per headline metric, how far ahead of the reference pipeline the default is (positive = default better)."""
    default, reference = results.get("default"), results.get("reference")
    if default is None or reference is None or "skipped" in (default.status, reference.status):
        return {}
    rows: dict[str, Any] = {}
    for name in (*HEADLINE, "latency_p50_ms"):
        d = metric_value(default.metrics["overall"], name)
        r = metric_value(reference.metrics["overall"], name)
        ahead = None if d is None or r is None else (r - d if name in LOWER_IS_BETTER else d - r)
        rows[name] = {"default": d, "reference": r, "ahead_by": ahead}
    return rows


def _item_result(run: Any, scores: Mapping[str, Score]) -> dict[str, Any]:
    answer = run.answer
    groups = run.item.must_include
    hits = group_hits(groups, [r.text for r in answer.retrieved]) if answer and groups else []
    return {
        "answer": answer.text if answer else "",
        "refused": bool(answer and answer.refused),
        "refusal_reason": answer.refusal_reason if answer else "",
        "citations": [c.chunk_id for c in answer.citations] if answer else [],
        "retrieved": [r.chunk_id for r in answer.retrieved] if answer else [],
        "retrieved_docs": [r.doc_id for r in answer.retrieved] if answer else [],
        "retrieved_titles": [r.title for r in answer.retrieved] if answer else [],
        "retrieved_facts": [sum(row) for row in hits],
        "ranked": [r.chunk_id for r in run.ranked] if run.ranked is not None else None,
        "latency_ms": round(run.latency_ms, 2),
        "history_turns": len(run.history) // 2,
        "error": run.error,
        "scores": dict(scores),
        "failed": failed_metrics(scores) + (["error"] if run.error else []),
    }


def build_report(
    results: Mapping[str, ConfigResult],
    items: Sequence[EvalItem],
    *,
    created: str,
    qa_files: Sequence[str],
    index: str,
    overrides: Mapping[str, Any],
    gate: GateResult | None,
) -> dict[str, Any]:
    """The whole run as JSON-ready data: metrics per configuration and slice, and one record per item."""
    ran = {name: r for name, r in results.items() if r.status == "ok" and not r.same_as}
    records = []
    for i, item in enumerate(items):
        record = {
            **item.to_dict(),
            "expected": {"answer": item.answer, "must_include": [list(g) for g in item.must_include]},
            "results": {name: _item_result(r.runs[i], r.scores[i]) for name, r in ran.items()},
        }
        records.append(record)
    return {
        "created": created,
        "qa_files": list(qa_files),
        "index": index,
        "overrides": dict(overrides),
        "counts": {
            "items": len(items),
            "answerable": sum(1 for i in items if i.answerable),
            "must_refuse": sum(1 for i in items if i.must_refuse),
        },
        "configurations": {
            name: {
                "status": r.status,
                "reason": r.reason,
                "description": r.description,
                "settings": r.settings,
                "seconds": r.seconds,
                "same_as": r.same_as,
            }
            for name, r in results.items()
        },
        "metrics": {name: r.metrics for name, r in results.items() if r.status == "ok"},
        "vs_reference": vs_reference(results),
        "gate": gate.to_dict() if gate is not None else None,
        "items": records,
    }


# ---------------------------------------------------------------------------------------------- formatting


def fmt(entry: Any, name: str, show_ci: bool = False) -> str:
    """A metric cell: percentages for pass/fail metrics, ms for latencies, else a number; with the 95 % interval
    (Wilson for pass/fail, bootstrap for the rest) when asked and known."""
    value = entry.get("value") if isinstance(entry, Mapping) else entry
    if value is None:
        return "–"
    ci = entry.get("ci95") if show_ci and isinstance(entry, Mapping) else None
    if name.startswith("latency"):
        text = f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"
        return text + (f" ({ci[0]:.0f}–{ci[1]:.0f})" if ci else "")
    if name in PASS_FAIL:
        return f"{value * 100:.1f} %" + (f" ({ci[0] * 100:.0f}–{ci[1] * 100:.0f})" if ci else "")
    return f"{value:.3f}" + (f" ({ci[0]:.2f}–{ci[1]:.2f})" if ci else "")


def fmt_diff(value: float | None, name: str) -> str:
    if value is None:
        return "–"
    if name.startswith("latency"):
        return f"{value:+.0f} ms"
    return f"{value * 100:+.1f} pts" if name in PASS_FAIL else f"{value:+.3f}"


def _clip(text: str, limit: int = TEXT_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _expected(must_include: Sequence[Sequence[str]]) -> str:
    if not must_include:
        return "a refusal"
    return " and ".join("(" + " or ".join(f'"{a}"' for a in group) + ")" for group in must_include)


@dataclass
class Section:
    title: str
    level: int = 2
    lines: list[tuple[str, str]] = field(default_factory=list)  # (bold label or "", text)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (file name, alt text)


def _slice_table(
    title: str, slices: Mapping[str, Any], first: str, columns: Sequence[str] = SLICE_COLUMNS
) -> Section:
    rows = []
    for key, metrics in slices.items():
        small = metrics["items"] < CI_BELOW
        rows.append([key, str(metrics["items"]), *(fmt(metrics[m], m, small) for m in columns)])
    headers = [first, "items", *(LABELS[m] for m in columns)]
    return Section(title, headers=headers, rows=rows)


def sections(report: Mapping[str, Any], images: Mapping[str, str]) -> list[Section]:
    """The human report, top to bottom: gate, configurations side by side, default vs reference, slices, plots,
    then every failure of the default configuration with what was expected, what came back and what was found."""
    counts = report["counts"]
    intro = Section(f"Clusterdesk evals, {report['created']}", level=1)
    intro.lines.append(
        (
            "",
            f"{counts['items']} items ({counts['answerable']} answerable, {counts['must_refuse']} to be refused) "
            f"from {', '.join(report['qa_files'])}; index {report['index']}; "
            f"overrides {json.dumps(report['overrides'], default=str) if report['overrides'] else 'none'}.",
        )
    )
    out = [intro]

    gate = report.get("gate")
    gate_section = Section(
        "Gate: " + ("not run" if gate is None else "PASSED" if gate["passed"] else "FAILED")
    )
    if gate is not None:
        gate_section.lines += [("ok" if c["passed"] else "FAIL", c["detail"]) for c in gate["checks"]]
        gate_section.lines += [("note", n) for n in gate["notes"]]
    out.append(gate_section)

    configs = report["configurations"]
    ok = [name for name, c in configs.items() if c["status"] == "ok"]
    metrics = report["metrics"]
    side = Section("Configurations side by side", headers=["metric", *ok])
    for name in (
        *HEADLINE,
        "evidence_recall_at_1",
        "evidence_recall_at_10",
        "latency_p50_ms",
        "latency_p95_ms",
    ):
        cells = []
        for config in ok:
            overall = metrics[config]["overall"]
            cells.append(fmt(overall[name], name, overall["items"] < CI_BELOW))
        side.rows.append([LABELS[name], *cells])
    for name, c in configs.items():
        if c["status"] != "ok":
            side.lines.append((name, f"skipped: {c['reason']}"))
        elif c["same_as"]:
            side.lines.append((name, f"same settings as {c['same_as']}; results reused"))
        else:
            settings = json.dumps(c["settings"], default=str)
            side.lines.append((name, f"{c['description']}; {c['seconds']:.1f} s; settings {settings}"))
    out.append(side)

    ref = report.get("vs_reference") or {}
    ahead = Section(
        "How far ahead of the reference pipeline the default is",
        headers=["metric", "default", "reference", "ahead by"],
    )
    if not ref:
        ahead.lines.append(("", "The reference or the default configuration did not run."))
    for name, row in ref.items():
        ahead.rows.append(
            [
                LABELS[name],
                fmt(row["default"], name),
                fmt(row["reference"], name),
                fmt_diff(row["ahead_by"], name),
            ]
        )
    out.append(ahead)

    if "default" in metrics:
        default = metrics["default"]
        for key, title, first in (("by_kind", "kind", "kind"), ("by_lang", "language", "lang")):
            out.append(_slice_table(f"Default by {title}: answers", default[key], first))
            section = _slice_table(f"Default by {title}: retrieval", default[key], first, RETRIEVAL_COLUMNS)
            section.lines.append(
                (
                    "",
                    "Answerable items only, scored on a ranking of at least 10 chunks (n/a where a system "
                    "gives none and retrieved fewer than k). 95 % intervals: Wilson for evidence recall, "
                    "bootstrap (1,000 seeded resamples) for MRR, gold-doc recall, nDCG and latencies.",
                )
            )
            out.append(section)
        gap = default["multilingual_gap"]
        gap_section = Section("Multilingual gap (key-fact accuracy, answerable items)")
        gap_section.lines = [
            ("English", fmt(gap["english"], "key_fact_accuracy", True) + f" of {gap['english']['n']}"),
            (
                "Other languages",
                fmt(gap["other_languages"], "key_fact_accuracy", True) + f" of {gap['other_languages']['n']}",
            ),
            ("Gap", fmt_diff(gap["gap"], "key_fact_accuracy") + " (English minus other languages)"),
        ]
        out.append(gap_section)
    if images:
        out.append(Section("Plots", images=[(file, alt) for alt, file in images.items()]))
    out.extend(_failures(report))
    return out


def _failures(report: Mapping[str, Any]) -> list[Section]:
    failing = []
    for record in report["items"]:
        result = record["results"].get("default")
        if result and (set(result["failed"]) & {*ANSWER_CHECKS, "error"}):
            failing.append((record, result))
    head = Section(f"Failures of the default configuration ({len(failing)})")
    if not failing:
        head.lines.append(("", "None."))
    out = [head]
    for record, result in failing:
        s = Section(f"{record['id']} ({record['kind']}, {record['lang']})", level=3)
        s.lines.append(("Failed", ", ".join(result["failed"])))
        if record.get("follow_up_of"):
            s.lines.append(("Follows", record["follow_up_of"]))
        s.lines.append(("Question", _clip(record["question"])))
        s.lines.append(
            ("Expected", f"{_expected(record['must_include'])}; reference: {_clip(record['answer'])}")
        )
        got = f"(refused) {result['answer']}" if result["refused"] else result["answer"]
        s.lines.append(("Got", _clip(got) or "(empty)"))
        if result["error"]:
            s.lines.append(("Error", _clip(result["error"])))
        if result["citations"]:
            s.lines.append(("Cited", ", ".join(result["citations"])))
        facts = result["retrieved_facts"] or [None] * len(result["retrieved"])
        rows = zip(
            result["retrieved"], result["retrieved_docs"], result["retrieved_titles"], facts, strict=True
        )
        groups = len(record["must_include"])
        sources = [
            f"{n}. {title or doc} ({doc}, {chunk})"
            + (f", key facts {held}/{groups}" if held is not None else "")
            for n, (chunk, doc, title, held) in enumerate(rows, start=1)
        ]
        s.lines.append(("Retrieved", "; ".join(sources) or "nothing"))
        if record.get("gold_doc_ids"):
            s.lines.append(("Gold documents", ", ".join(record["gold_doc_ids"])))
        out.append(s)
    return out


_MD_SPECIAL = re.compile(r"([\\`*\[\]|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=False))


def to_markdown(parts: Sequence[Section]) -> str:
    lines: list[str] = []
    for s in parts:
        lines += ["#" * s.level + " " + _md(s.title), ""]
        for label, text in s.lines:
            lines.append(f"- **{_md(label)}:** {_md(text)}" if label else _md(text))
        if s.lines:
            lines.append("")
        if s.headers:
            lines.append("| " + " | ".join(_md(h) for h in s.headers) + " |")
            lines.append("|" + "---|" * len(s.headers))
            lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in s.rows]
            lines.append("")
        for file, alt in s.images:
            lines += [f"![{_md(alt)}]({file})", ""]
    return "\n".join(lines)


CSS = """body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}img{max-width:100%;display:block;margin:1em 0}
h3{margin-top:1.6em;font-size:1.05em}p{margin:.25em 0}"""


def to_html(parts: Sequence[Section]) -> str:
    e = html.escape
    body: list[str] = []
    for s in parts:
        body.append(f"<h{s.level}>{e(s.title)}</h{s.level}>")
        for label, text in s.lines:
            body.append(f"<p><b>{e(label)}:</b> {e(text)}</p>" if label else f"<p>{e(text)}</p>")
        if s.headers:
            body.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in s.headers) + "</tr>")
            body += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in s.rows]
            body.append("</table>")
        body += [f'<img src="{e(file)}" alt="{e(alt)}">' for file, alt in s.images]
    title = e(parts[0].title) if parts else "Clusterdesk evals"
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_report(out_dir: Path, report: Mapping[str, Any]) -> dict[str, Path]:
    """report.json, the plots, report.md and report.html in ``out_dir``; returns what was written."""
    from assistant.evals.plots import write_plots

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {"json": out_dir / "report.json"}
    written["json"].write_text(
        json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    images = write_plots(out_dir, report)
    parts = sections(report, images)
    written["md"] = out_dir / "report.md"
    written["md"].write_text(to_markdown(parts), encoding="utf-8")
    written["html"] = out_dir / "report.html"
    written["html"].write_text(to_html(parts), encoding="utf-8")
    written.update({f"png:{file}": out_dir / file for file in images.values()})
    return written


def summary(report: Mapping[str, Any]) -> str:
    """A few lines for the terminal: headline metrics per configuration, the lead over the reference, the gate."""
    metrics = report["metrics"]
    names = list(metrics)
    width = max(len(LABELS[m]) for m in HEADLINE) + 2
    lines = [f"{'':{width}}" + "".join(f"{n:>16}" for n in names)]
    for m in (*HEADLINE, "latency_p50_ms"):
        cells = "".join(f"{fmt(metrics[n]['overall'][m], m):>16}" for n in names)
        lines.append(f"{LABELS[m]:{width}}{cells}")
    ref = report.get("vs_reference") or {}
    if ref:
        lines.append(
            f"{'default vs reference':{width}}"
            + "  ".join(
                f"{m.replace('_accuracy', '')} {fmt_diff(ref[m]['ahead_by'], m)}"
                for m in ("key_fact_accuracy", "refusal_accuracy", "evidence_recall_at_5")
            )
        )
    for name, c in report["configurations"].items():
        if c["status"] != "ok":
            lines.append(f"{name}: skipped ({c['reason']})")
    return "\n".join(lines)
