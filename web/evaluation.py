"""The Evaluation tab: run a suite (eval.suites: seed, a QMSum subset...) and read the latest report;
its answers go through Library.ask, as the page's own questions do."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import gradio as gr

from core.errors import OnRecordError
from core.settings import load_settings
from eval.report import COLUMNS, write_report
from eval.run import evaluate, systems_asked
from eval.suites import resolve_suite, suites
from library import Library


def on_run(library: Library, reports_dir: Path, suite_name, limit, progress=gr.Progress()) -> tuple:
    try:
        suite = resolve_suite(suite_name, limit=int(limit))
        settings = load_settings(**{**library.settings.model_dump(), "data_dir": Path(".onrecord-eval") / suite.name})
        progress(0, desc=f"indexing {len(suite.transcripts)} transcripts")
        total = len(suite.questions) * systems_asked(suite)  # each question, by each system
        counted: list[int] = []

        def step() -> None:
            counted.append(1)
            progress(len(counted) / total, desc=f"answer {len(counted)} of {total}")

        results = evaluate(suite, Library(settings, library.embedder), on_step=step)
        folder = reports_dir / suite.name
        summary = write_report(folder, suite, results, {"chunk budget": settings.chunk_budget})
    except OnRecordError as error:
        raise gr.Error(str(error)) from None
    return report_view(folder, summary)


def latest_report(reports_dir: Path) -> tuple:
    reports = sorted(reports_dir.glob("*/results.json"), key=lambda p: p.stat().st_mtime)
    if not reports:
        return None, None, None
    return report_view(reports[-1].parent, json.loads(reports[-1].read_text())["summary"])


def report_view(folder: Path, summary: dict) -> tuple:
    shown = [c for c in COLUMNS if any(row.get(c) is not None for row in summary.values())]
    rows = [[system, *[_number(row.get(c)) for c in shown]] for system, row in summary.items()]
    table = gr.update(value=rows, headers=["system", *shown])
    recall, domains = folder / "recall_vs_budget.png", folder / "scores_by_domain.png"
    return table, str(recall) if recall.exists() else None, str(domains) if domains.exists() else None


def _number(value):
    return round(value, 3) if isinstance(value, float) else value


def evaluation_tab(library: Library, reports_dir: Path, page: gr.Blocks) -> None:
    """The Evaluation tab's components and events (inside a `gr.Tab`)."""
    with gr.Row():
        suite = gr.Radio(list(suites()), value="seed", label="Suite")
        limit = gr.Slider(1, 35, value=3, step=1, label="QMSum val meetings")
        run = gr.Button("Run evaluation", elem_id="run-eval")
    table = gr.Dataframe(label="Latest report", interactive=False, elem_id="eval-table")
    with gr.Row():
        recall = gr.Image(label="Turn recall against retrieved words", type="filepath")
        domains = gr.Image(label="Scores by domain", type="filepath")
    run.click(partial(on_run, library, reports_dir), [suite, limit], [table, recall, domains], api_visibility="private")
    page.load(partial(latest_report, reports_dir), None, [table, recall, domains], api_visibility="private")
