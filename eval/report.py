"""Reports of an evaluation run: JSON with every per-query result, a Markdown summary, PNG plots."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from eval.runner import QueryResult, recall_curves, summarize
from eval.suites import Suite

COLUMNS = (
    "Hit@1", "Hit@5", "MRR@10", "nDCG@10", "words_per_passage", "words_before_gold_median", "gold_within_200w",
    "turn_recall@1000w", "turn_precision@1000w", "turn_recall@2000w",
    "turn_precision@2000w", "citation_precision", "any_correct_citation", "speaker_attribution", "ROUGE-1",
    "ROUGE-2", "ROUGE-L", "cites_own_meeting", "timelines", "generated_sentences", "sentence_support",
    "written_shown", "model_failed",
    "abstention_accuracy", "false_refusal", "median_ms", "p95_ms", "errors",
)  # fmt: skip


def write_report(
    out: Path, suite: Suite, results: Sequence[QueryResult], settings_note: dict, refusals: dict | None = None
) -> dict:
    """Write results.json, summary.md and the plots to `out`; returns the summary per system.
    `refusals`: per system and domain, the library-level refusal rates (`eval.asked`)."""
    out.mkdir(parents=True, exist_ok=True)
    summary = summarize(results)
    by_domain = summarize(results, group=lambda r: f"{r.system} | {r.domain or 'all'}")
    curves = recall_curves(results)
    payload = {
        "suite": suite.name,
        "settings": settings_note,
        "notes": list(suite.notes),
        "summary": summary,
        "by_domain": by_domain,
        "recall_curves": curves,
        "library_refusals": refusals or {},
        "results": [result.to_dict() for result in results],
    }
    (out / "results.json").write_text(json.dumps(payload, indent=1, ensure_ascii=False, default=str))
    (out / "summary.md").write_text(markdown(suite, summary, by_domain, settings_note) + _refusals(refusals or {}))
    plot_recall(out / "recall_vs_budget.png", curves, suite.name)
    plot_domains(out / "scores_by_domain.png", by_domain, suite.name)
    return summary


def markdown(suite: Suite, summary: dict, by_domain: dict, settings_note: dict) -> str:
    columns = [c for c in COLUMNS if any(row.get(c) is not None for row in summary.values())]
    lines = [f"# Evaluation: {suite.name}", ""]
    lines += [f"{len(suite.questions)} questions over {len(suite.transcripts)} transcripts.", ""]
    lines += [f"- {key}: {value}" for key, value in settings_note.items()]
    lines += [f"- {note}" for note in suite.notes]
    lines += ["", "| system | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for system, row in summary.items():
        lines.append(f"| {system} | " + " | ".join(_cell(row.get(c)) for c in columns) + " |")
    domains = sorted({name.split(" | ")[1] for name in by_domain})
    if len(domains) > 1:
        lines += [
            "",
            "## By domain",
            "",
            "| system | domain | queries | Hit@5 | MRR@10 | turn_recall@2000w |",
            "|---|---|---|---|---|---|",
        ]
        for name, row in sorted(by_domain.items()):
            system, domain = name.split(" | ")
            lines.append(
                f"| {system} | {domain} | {row['queries']} | {_cell(row.get('Hit@5'))} | {_cell(row.get('MRR@10'))} "
                f"| {_cell(row.get('turn_recall@2000w'))} |"
            )
    lines += ["", "Plots: `recall_vs_budget.png`, `scores_by_domain.png`. Every per-query result: `results.json`.", ""]
    return "\n".join(lines)


def _refusals(refusals: dict) -> str:
    if not refusals:
        return ""
    lines = [
        "## Library-level refusals",
        "",
        "Each question asked within its meeting and of the whole library (answerable: a refusal is false), and "
        "of the library without its meeting (committee) or its whole series (product design, e.g. ES2004a–d): "
        "the hard negatives, where a refusal is right; and of the library without the question's whole domain "
        "(a refusal is right); and within its meeting with its gold span's passages left out (the meeting "
        "talks about the subject but not the answer: a refusal is right).",
        "",
        "| system | domain | refused in its meeting | refused in the library | refused without it | hard negatives "
        "| refused without its domain | refused without its gold span |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for system, rows in refusals.items():
        for domain, row in rows.items():
            cells = [
                _cell(row.get(key))
                for key in ("false_refusal_in_meeting", "false_refusal_in_library", "refused_without")
            ]
            elsewhere = _cell(row.get("refused_without_domain"))
            unsaid = _cell(row.get("refused_without_span"))
            lines.append(
                f"| {system} | {domain} | "
                + " | ".join(cells)
                + f" | {row.get('without_questions', 0)} | {elsewhere} | {unsaid} |"
            )
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    if value is None:
        return "–"
    return (
        f"{value:.1f}"
        if isinstance(value, float) and value > 5
        else f"{value:.3f}"
        if isinstance(value, float)
        else str(value)
    )


def plot_recall(path: Path, curves: dict[str, dict[int, float]], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for system, curve in curves.items():
        axes.plot(list(curve), list(curve.values()), marker="o", label=system)
    axes.set_xlabel("retrieved words read")
    axes.set_ylabel("gold turn recall")
    axes.set_ylim(0, 1)
    axes.set_title(f"{title}: turn recall against retrieved-word budget")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_domains(path: Path, by_domain: dict, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    systems = sorted({name.split(" | ")[0] for name in by_domain})
    domains = sorted({name.split(" | ")[1] for name in by_domain})
    metrics = ("Hit@5", "MRR@10", "turn_recall@2000w")
    figure, axes = plt.subplots(1, len(metrics), figsize=(4 * len(metrics), 4), sharey=True)
    width = 0.8 / max(len(systems), 1)
    for axis, metric in zip(np.atleast_1d(axes), metrics, strict=False):
        for offset, system in enumerate(systems):
            values = [by_domain.get(f"{system} | {domain}", {}).get(metric) or 0 for domain in domains]
            axis.bar(np.arange(len(domains)) + offset * width, values, width, label=system)
        axis.set_xticks(np.arange(len(domains)) + width * (len(systems) - 1) / 2, domains)
        axis.set_title(metric)
        axis.set_ylim(0, 1)
    np.atleast_1d(axes)[0].legend(fontsize=7)
    figure.suptitle(f"{title}: scores by domain")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
