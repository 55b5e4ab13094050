"""The page's Evaluation tab offers the suites of the registry (eval.suites), as the CLI does."""

from __future__ import annotations

import gradio as gr

from eval.suites import suites
from web.evaluation import evaluation_tab


def test_the_evaluation_tab_offers_every_registered_suite(tmp_path):
    with gr.Blocks() as page:
        evaluation_tab(None, tmp_path, page)
    radios = [block for block in page.blocks.values() if isinstance(block, gr.Radio)]
    assert [choice[0] for choice in radios[0].choices] == list(suites())
    assert {"seed", "samples", "shapes", "qmsum"} <= set(suites())  # before: seed and qmsum only
