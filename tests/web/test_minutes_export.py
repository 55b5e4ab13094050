"""The minutes as HTML and Markdown: transcript text stays text (no script, link, image or heading)."""

from __future__ import annotations

from dataclasses import replace

from markdown_it import MarkdownIt

from core.minutes import Item, Minutes, SummaryLine
from core.models import Meeting
from minutes.markdown import minutes_markdown
from web.minutes import minutes_html

HOSTILE = "<script>alert(1)</script> We approved [the plan](javascript:alert(1)) ![x](http://evil/x.png)"


def _minutes() -> Minutes:
    meeting = Meeting("m", "Board <b>meeting</b>", None, "", "plain", None, (), (), 5, 1, "")
    decision = Item("decision", HOSTILE, 3, "Chair <i>Ann</i>", 0.9, vote="5–0", start=75.0)
    action = Item("action", "I'll send the # report by Friday.", 4, "Bob", 0.9, owner="Bob", due="by Friday")
    summary = (SummaryLine(HOSTILE, 3, "Chair <i>Ann</i>", 1),)
    return Minutes(meeting, "The meeting covered # Budget.", summary, (decision,), (action,), (), (("Bob", 1.0),))


def test_minutes_markdown_keeps_transcript_text_as_text():
    markdown = minutes_markdown(_minutes())
    assert markdown.startswith("# Minutes: Board \\<b\\>meeting\\</b\\>")
    assert "\\<script\\>" in markdown and "\\[the plan\\](javascript:alert(1)) !\\[x\\](http://evil/x.png)" in markdown
    parser = MarkdownIt("commonmark")
    parser.validateLink = lambda url: True  # as a renderer that lets javascript: links through would
    rendered = parser.render(markdown)
    assert "<script" not in rendered and "<a " not in rendered and "<img" not in rendered
    assert rendered.count("<h1>") == 1 and "[the plan](javascript:alert(1))" in rendered
    assert "(vote 5–0)" in markdown and "Bob: I'll send the # report by Friday. (due by Friday)" in markdown
    assert "## Decisions" in markdown and "## Action items" in markdown and "- Bob: 100% of the words" in markdown


def test_minutes_html_escapes_and_links_each_item_to_its_turn():
    html = minutes_html(_minutes())
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<i>Ann</i>" not in html and 'data-turn="3"' in html and 'data-turn="4"' in html
    assert 'id="minutes-decisions"' in html and "(vote 5–0)" in html and "0:01:15" in html


def test_none_found_is_said():
    empty = Minutes(_minutes().meeting, None, (), (), (), (), ())
    html = minutes_html(empty)
    assert 'id="minutes-no-decision"' in html and 'id="minutes-no-action"' in html
    markdown = minutes_markdown(empty)  # once, without empty sections
    assert markdown.count("None found") == 1 and "## Decisions" not in markdown


def test_a_decision_says_who_voted_against_and_abstained():
    decision = replace(_minutes().decisions[0], against=("Trustee Okafor",), abstained=("Simon Bell",))
    minutes = replace(_minutes(), decisions=(decision,))
    assert "Trustee Okafor against; Simon Bell abstained" in minutes_html(minutes)
    assert "Trustee Okafor against; Simon Bell abstained" in minutes_markdown(minutes)
