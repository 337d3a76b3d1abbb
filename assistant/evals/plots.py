"""The report's PNG plots (matplotlib, Agg backend): metrics by kind and by language with Wilson intervals,
configurations side by side, and the latency distribution per configuration."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.evals.metrics import HEADLINE, LABELS, PASS_FAIL

SLICE_SERIES = ("key_fact_accuracy", "refusal_accuracy", "evidence_recall_at_5", "citation_validity")


def _pyplot() -> Any:
    """matplotlib.pyplot, imported late: a slow import, and the Agg backend must be chosen first."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _grouped_bars(
    path: Path, title: str, categories: Sequence[str], series: Mapping[str, Sequence[Any]]
) -> None:
    """Bars per category, one colour per series; entries are metric dicts ({value, ci95}) or None."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(6.0, 0.5 + 0.32 * len(categories) * max(len(series), 1)), 4.2))
    width = 0.8 / max(len(series), 1)
    for s, (label, entries) in enumerate(series.items()):
        xs, ys, lows, highs = [], [], [], []
        for c, entry in enumerate(entries):
            if not entry or entry.get("value") is None:
                continue
            value = entry["value"]
            low, high = entry.get("ci95") or (value, value)
            xs.append(c - 0.4 + width * (s + 0.5))
            ys.append(value)
            lows.append(max(value - low, 0.0))
            highs.append(max(high - value, 0.0))
        ax.bar(xs, ys, width, yerr=[lows, highs], capsize=2, label=label)
    ax.set_xticks(range(len(categories)), categories, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _latency(path: Path, report: Mapping[str, Any]) -> bool:
    data: dict[str, list[float]] = {}
    for record in report["items"]:
        for name, result in record["results"].items():
            if not result["error"]:
                data.setdefault(name, []).append(max(result["latency_ms"], 0.01))
    if not data:
        return False
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.6 + 0.55 * len(data)))
    ax.boxplot(list(data.values()), orientation="horizontal", tick_labels=list(data), showfliers=True)
    ax.set_xscale("log")
    ax.set_xlabel("wall time of ask (ms, log scale)")
    ax.set_title("Latency per question")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_plots(out_dir: Path, report: Mapping[str, Any]) -> dict[str, str]:
    """Writes the PNG files; returns alt text -> file name (relative to out_dir) for the md and html."""
    images: dict[str, str] = {}
    metrics = report["metrics"]
    default = metrics.get("default")
    if default:
        for key, title in (("by_kind", "Default by kind"), ("by_lang", "Default by language")):
            slices = default[key]
            series = {LABELS[m]: [slices[c][m] for c in slices] for m in SLICE_SERIES}
            _grouped_bars(out_dir / f"{key}.png", title, list(slices), series)
            images[title] = f"{key}.png"
    if metrics:
        shown = [m for m in HEADLINE if m in PASS_FAIL]
        series = {name: [m["overall"][k] for k in shown] for name, m in metrics.items()}
        _grouped_bars(
            out_dir / "configurations.png", "Configurations side by side", [LABELS[m] for m in shown], series
        )
        images["Configurations side by side"] = "configurations.png"
    if _latency(out_dir / "latency.png", report):
        images["Latency per question"] = "latency.png"
    return images
