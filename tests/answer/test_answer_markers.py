"""Citation markers by design: an answer's parts carry its citation numbers, a transcript's own
brackets are text in the JSON, the page and the Markdown export; pure functions, no model."""

from __future__ import annotations

import re
from datetime import date

from answer.extractive.compose import answer
from core.models import Chunk, Hit
from eval.metrics import strip_markers
from web.render import answer_html, answer_markdown

REAL_MARKER = re.compile(r"(?<!\\)\[(\d+)\]")


def passage(text: str, speakers: tuple[str, ...], title: str = "Budget 2024-05-02", topic: str | None = None) -> Hit:
    chunk = Chunk("m:0", "budget", text, 0, text.count("\n"), speakers, topic=topic)
    return Hit(1, 0.8, 0.8, chunk, title, date(2024, 5, 2), "https://example.org/budget.mp3#t=0")


def test_brackets_in_a_transcript_sentence_are_not_a_citation():
    result = answer(
        "What covers the budget line?", [passage("Dana: The budget line [12] covers it.", ("Dana",))], model=answering()
    )
    data = result.to_dict()
    said = "Dana: The budget line [12] covers it."
    assert data["parts"] == [{"text": said, "n": 1, "verbatim": said, "citations": [1]}]
    assert data["answer"] == r"Dana: The budget line \[12\] covers it. [1]"
    assert REAL_MARKER.findall(data["answer"]) == ["1"] == [str(c["n"]) for c in data["citations"]]
    html = answer_html(result)
    assert html.count("onrecord-cite") == len(result.citations) == 1
    assert "The budget line [12] covers it." in html
    assert strip_markers(result.text) == "Dana: The budget line [12] covers it."


def test_strip_markers_drops_real_markers_and_keeps_escaped_brackets():
    assert strip_markers(r"Line \[12\] here. [1] A backslash: \\ [2]") == "Line [12] here. A backslash: \\"
    assert strip_markers("The cats were running [1] home. [2]") == "The cats were running home."


def test_markdown_export_of_a_hostile_passage_renders_no_link_image_script_or_heading():
    from markdown_it import MarkdownIt

    text = "\n".join(
        [
            "Mallory Jones: See [click](javascript:alert(1)) about the zeppelin budget.",
            "Mallory Jones: <script>alert(2)</script> The zeppelin budget is agreed.",
            "Mallory Jones: ![x](http://evil/x.png) shows the zeppelin budget.",
            "# The zeppelin budget heading",
            "[1]: javascript:alert(3)",
        ]
    )
    hit = passage(text, ("Mallory Jones",), title="Budget <img src=x onerror=alert(4)>", topic="[t](javascript:x)")
    result = answer("What about the zeppelin budget? <script>alert(5)</script>", [hit], model=answering())
    assert not result.abstained
    markdown = MarkdownIt()  # CommonMark, raw HTML allowed
    markdown.validateLink = lambda url: True  # as a renderer that lets javascript: links through would
    rendered = markdown.render(answer_markdown(result))
    assert '<a href="javascript' not in rendered
    assert "<img" not in rendered and "<script" not in rendered and "<h1" not in rendered
    assert "[click](javascript:alert(1))" in rendered  # shown as written
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in rendered
    assert '<a href="https://example.org/budget.mp3#t=0">' in rendered  # our own link stays a link


def answering():
    """The fitted model, never refusing: these tests are about how an answer is composed, not whether."""
    from dataclasses import replace

    from answer.extractive.scorer import default_model

    return replace(default_model(), abstain_below=0.0)


def test_fillers_leave_the_quote_and_stay_in_its_verbatim_field():
    spoken = "Um, so the the budget line is, you know, fine for I- I think two years."
    result = answer("How long is the budget line fine for?", [passage(f"Dana: {spoken}", ("Dana",))], model=answering())
    part = result.to_dict()["parts"][0]
    assert part["text"] == "Dana: So the budget line is fine for I think two years."
    assert part["verbatim"] == f"Dana: {spoken}"
    html = answer_html(result)
    assert 'id="answer-verbatim"' in html and "the the budget" in html
    assert "the the" not in html.split('id="answer-verbatim"')[0]
