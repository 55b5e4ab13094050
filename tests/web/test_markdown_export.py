"""Answers and minutes as Markdown, read back by a real Markdown parser (markdown-it-py, CommonMark
with GitHub's tables and strikethrough, raw HTML allowed): transcript text is shown as written, with
a backslash only where Markdown would act, and the Markdown says what the page says."""

from __future__ import annotations

from datetime import date

import pytest
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from core.minutes import Minutes, SummaryLine
from core.models import Answer, AnswerPart, Check, Chunk, Citation, Hit, Meeting
from minutes.markdown import minutes_markdown
from web.render import NOT_IN, WRITTEN, answer_markdown
from web.untrusted import md_text

TEXTS = [
    "It costs forty-two dollars, up 3.5% from 2023-24.",
    "2024. Was it the year?",
    "1) first, then 2) second",
    "# not a heading",
    "- not a list",
    "+ not a list either",
    "* nor this",
    "> not a quote",
    "===",
    "---",
    "***",
    "___",
    "<script>alert(1)</script> and <img src=x onerror=alert(2)>",
    "<!-- a comment --> <div>block</div>",
    "See [the plan](javascript:alert(1)) and ![x](http://evil/x.png)",
    "<http://evil.example> and <javascript:alert(3)>",
    "[1]: javascript:alert(4)",
    "&amp; &#106;avascript &copy; and a plain & sign",
    "snake_case_name, _emphasis_, __strong__ and a trailing_",
    "**bold**, *it*, `code`, ``more code``",
    "a | b | c",
    "~~struck~~ and ~tilde~",
    "a backslash \\ and one at the end \\",
    "escaped \\* star and \\_ underscore",
    "Zoë Müller: the café's budget — fine!",
    "```python",
    "    four spaces in",
]


@pytest.fixture(scope="module")
def markdown():
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # as a renderer that lets javascript: links through would
    return parser


@pytest.mark.parametrize("text", TEXTS)
def test_transcript_text_reads_back_as_the_same_text(markdown, text):
    written = " ".join(text.split())
    assert markdown.render(md_text(text)) == f"<p>{escapeHtml(written)}</p>\n"
    quoted = markdown.render(f"> {md_text(text)}")  # as a citation's quote
    assert quoted == f"<blockquote>\n<p>{escapeHtml(written)}</p>\n</blockquote>\n"


def test_only_what_markdown_would_read_is_escaped():
    assert md_text("It costs forty-two dollars, up 3.5% from 2023-24.") == (
        "It costs forty-two dollars, up 3.5% from 2023-24."
    )
    assert md_text("snake_case and (brackets) and a # sign!") == "snake_case and (brackets) and a # sign!"
    assert md_text("2024. Was it") == "2024\\. Was it" and md_text("- x") == "\\- x"


def test_quoted_lines_never_make_a_table(markdown):
    rendered = markdown.render(f"> {md_text('Name | Vote')}\n> {md_text('--- | ---')}\n> {md_text('Ann | yes')}")
    assert "<table" not in rendered and "Name | Vote" in rendered


def _hit(text: str) -> Hit:
    chunk = Chunk("c1", "board_2025-03-10", text, 0, 0, ("Ann",))
    return Hit(1, 0.9, 0.9, chunk, "Board", date(2025, 3, 10), None)


def test_a_refusals_markdown_says_not_in_these_transcripts():
    refused = Answer(
        "What did Bob say about parking?",
        "",
        True,
        (Citation(1, _hit("Ann: The lot closes at nine.")),),
        parts=(AnswerPart("Bob does not speak of parking; nearest:"), AnswerPart("Ann: The lot closes at nine.", 1)),
        coverage="not_in_transcripts",
    )
    markdown = answer_markdown(refused)
    assert f"**{NOT_IN}** Bob does not speak of parking; nearest: Ann: The lot closes at nine. [1]" in markdown


def test_a_written_answers_markdown_keeps_its_note_and_removed_sentences():
    written = Answer(
        "When does the lot close?",
        "It closes at nine [1].",
        False,
        (Citation(1, _hit("Ann: The lot closes at nine.")),),
        parts=(AnswerPart("It closes at nine.", 1),),
        support="strong",
        answerer="llm",
        verification=(
            Check("It closes at nine.", (1,), True),
            Check("It opens at six.", (1,), False, "not in the cited passages"),
        ),
        notice="1 sentence removed: not supported by the passages it cites",
    )
    markdown = answer_markdown(written)
    assert f"*{WRITTEN}*" in markdown
    assert "*1 sentence removed: not supported by the passages it cites*" in markdown
    assert "- It opens at six. (not in the cited passages)" in markdown


def test_the_meeting_a_phrase_was_read_as_is_in_the_markdown():
    found = Answer(
        "Summarize the March board meeting", "x", False, (), resolved="“the March board meeting” read as Board"
    )
    assert "*“the March board meeting” read as Board*" in answer_markdown(found)


def _meeting() -> Meeting:
    return Meeting("board", "Board", date(2025, 3, 10), "", "plain", None, ("Ann",), (), 2, 1, "")


def test_minutes_of_a_meeting_too_short_have_no_sections():
    note = "this meeting has only 2 turns: too short for minutes"
    markdown = minutes_markdown(Minutes(_meeting(), None, (), (), (), (), (("Ann", 1.0),), (note,)))
    assert f"*{note}*" in markdown
    assert "## Decisions" not in markdown and "## Action items" not in markdown and "None found" not in markdown


def test_minutes_say_once_what_was_not_found():
    summary = (SummaryLine("We looked at the budget.", 0, "Ann", 1),)
    markdown = minutes_markdown(Minutes(_meeting(), None, summary, (), (), (), (("Ann", 1.0),)))
    assert "## Decisions" not in markdown and "## Action items" not in markdown
    assert markdown.count("None found") == 1 and "None found: decisions, action items." in markdown
