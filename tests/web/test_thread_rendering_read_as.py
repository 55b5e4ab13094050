"""How a thread and a follow-up's reading are rendered, without a browser: "Read as" only where the
question was read into another, escaped; an earlier answer's markers named by their turn and its ids
left to the answer shown now; a citation key of a turn the thread does not hold opens nothing."""

from __future__ import annotations

from datetime import date

from core.models import Answer, AnswerPart, Chunk, Citation, Hit
from web.ask import open_citation, thread_html
from web.render import answer_html, answer_markdown, read_as


def _answer(question: str, standalone: str | None = None) -> Answer:
    chunk = Chunk("c1", "board_2025-03-10", "Ann: The lot closes at nine.", 0, 0, ("Ann",))
    hit = Hit(1, 0.9, 0.9, chunk, "Board", date(2025, 3, 10), None)
    parts = (AnswerPart("Ann: The lot closes at nine.", 1),)
    text = "Ann: The lot closes at nine. [1]"
    return Answer(question, text, False, (Citation(1, hit),), parts=parts, standalone=standalone)


def test_read_as_is_shown_only_where_the_question_was_read_into_another():
    followed = _answer("And <b>it</b>?", "When does the <b>lot</b> close?")
    assert read_as(followed) == "When does the <b>lot</b> close?"
    html = answer_html(followed)
    assert 'id="answer-readas" data-readas="When does the &lt;b&gt;lot&lt;/b&gt; close?"' in html
    assert "<b>lot</b>" not in html
    assert "*Read as: When does the car park close?*" in answer_markdown(
        _answer("And it?", "When does the car park close?")
    )
    for unchanged in (_answer("When does it close?"), _answer("When does it close?", " When does it close? ")):
        assert read_as(unchanged) is None
        assert "answer-readas" not in answer_html(unchanged) and "Read as" not in answer_markdown(unchanged)


def test_an_earlier_answer_in_the_thread_names_its_markers_by_turn():
    first, second = _answer("When does the lot close?"), _answer("And <i>opens</i>?", "When does the lot open?")
    html = thread_html([first, second], "Who said so?")
    assert html.count('data-cite="1:1"') == 2 and html.count('data-cite="2:1"') == 2  # marker and citation line
    assert 'data-cite="1"' not in html and 'id="answer-text"' not in html and 'id="answer-readas"' not in html
    assert "And &lt;i&gt;opens&lt;/i&gt;?" in html and 'id="thread-now">Who said so?</div>' in html
    assert thread_html([], "When does the lot close?") == ""


def test_a_citation_key_the_thread_does_not_hold_opens_nothing():
    thread = [_answer("When does the lot close?")]
    for key in ("2:1", "0:1", "x:1", ":1", "1:9"):
        assert open_citation(None, thread[0], thread, key) in ("<p>No such citation.</p>",), key
