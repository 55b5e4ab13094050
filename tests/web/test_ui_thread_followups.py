"""The Ask tab keeps a thread, in a real browser: each question and its answer in turn, a follow-up read
against them ("Read as: ..."), an earlier answer's citation still opening the transcript there, "New
thread" starting over; and a written answer's words, while they stream, never shown as the answer."""

from __future__ import annotations

from tests.llm_server import Script, passage_number
from tests.web.conftest import opened
from tests.web.test_ui import ask
from tests.web.test_ui_written import written_url  # noqa: F401 (the app over a scripted language model)

BIKE_LANE = "What did the council decide about the Harbour Street bike lane?"
CONSTRUCTION = "When does construction on it start?"


def answered(page, question: str, before: str = "") -> str:
    """Wait for the answer to `question` (its text other than `before`) and return its text."""
    page.wait_for_function(
        """([question, before]) => {
          const now = document.querySelector('#thread-now');
          const shown = document.querySelector('#answer #answer-text');
          return shown && shown.innerText !== before && (!now || now.innerText === question);
        }""",
        arg=[question, before],
        timeout=30_000,
    )
    return page.locator("#answer-text").inner_text()


def test_the_ask_tab_keeps_a_thread_of_questions_and_their_cited_answers(page):
    ask(page, BIKE_LANE)
    first = answered(page, BIKE_LANE)
    assert page.locator("#thread-turns").count() == 0  # a thread's first question stands alone
    assert "Follow-up question" in page.locator("#question").inner_text()  # the box is now a follow-up box
    ask(page, CONSTRUCTION)
    page.wait_for_selector("#thread-now", timeout=30_000)
    latest = answered(page, CONSTRUCTION, first)
    thread = page.locator("#thread-turns")
    assert thread.locator(".onrecord-exchange .onrecord-thread-q").all_inner_texts() == [BIKE_LANE]
    assert first[:60] in thread.locator(".onrecord-exchange").inner_text()  # the earlier answer, in turn
    assert thread.locator(".onrecord-thread-cite").count() >= 1  # its citations under it
    assert page.locator("#thread-now").inner_text() == CONSTRUCTION
    assert page.locator("#answer #answer-text").count() == 1  # the earlier answer lends no id to the page
    assert "fifteenth of September" in latest
    read_as = page.locator("#answer-readas")
    assert read_as.inner_text().startswith("Read as:") and "bike lane" in read_as.inner_text().casefold()
    standalone = read_as.get_attribute("data-readas")

    # an earlier answer's citation opens the transcript at its own turn, not the latest answer's
    earlier_quote = first.split(" [1]")[0].split(": ", 1)[-1][:40]
    latest_quote = latest.split(" [1]")[0].split(": ", 1)[-1][:40]
    assert earlier_quote != latest_quote
    thread.locator('.onrecord-cite[data-cite="1:1"]').click()
    page.wait_for_function(
        "(quote) => [...document.querySelectorAll('#transcript-view .onrecord-cited')]"
        ".some((turn) => turn.innerText.includes(quote))",
        arg=earlier_quote,
        timeout=30_000,
    )
    page.locator("#answer-text .onrecord-cite").first.click()  # and the latest answer's, its own
    page.wait_for_function(
        "(quote) => [...document.querySelectorAll('#transcript-view .onrecord-cited')]"
        ".some((turn) => turn.innerText.includes(quote))",
        arg=latest_quote,
        timeout=30_000,
    )

    # "Read as" goes into the box to edit; New thread starts over
    read_as.click()
    box = page.locator("#question textarea, #question input").first
    assert box.input_value() == standalone and standalone in read_as.inner_text()
    page.locator("#new-thread").click()
    page.wait_for_function("() => !document.querySelector('#thread-turns') && !document.querySelector('#answer-text')")
    assert "Follow-up question" not in page.locator("#question").inner_text()
    ask(page, CONSTRUCTION)
    answered(page, CONSTRUCTION)
    assert page.locator("#thread-turns").count() == 0 and page.locator("#answer-readas").count() == 0


def test_a_written_answer_streams_outside_the_answer_and_never_shows_an_unchecked_sentence_as_it(
    browser,
    written_url,  # noqa: F811
    request,
):
    url, server = written_url

    def answer(request_body: dict) -> str:
        n = passage_number(request_body, "construction starting the fifteenth of September")
        return (
            f"Construction starts on the fifteenth of September [{n}]. The governor paid for the whole lane [{n}]. "
            f"The motion carried with five in favour [{n}]."
        )

    server.say(Script(answer, piece_delay=0.2))
    with opened(browser, url, request.node.name) as page:
        page.evaluate(
            """() => {
              window.__states = [];
              new MutationObserver(() => {
                const draft = document.querySelector('#answer-streaming');
                window.__states.push({
                  answer: document.querySelector('#answer')?.innerText || '',
                  draft: draft ? draft.innerText : null,
                  draftInAnswer: !!document.querySelector('#answer #answer-streaming'),
                });
              }).observe(document.body, { childList: true, subtree: true, characterData: true });
            }"""
        )
        page.locator("#answerer label", has_text="Written, checked").click()
        ask(page, CONSTRUCTION)
        page.wait_for_selector("#answer-written", timeout=60_000)
        states = page.evaluate("() => window.__states")
        streamed = [state for state in states if state["draft"]]
        assert any("governor" in state["draft"] for state in streamed)  # it was streamed, so it was watched
        assert all("writing… (not yet checked)" in state["draft"].casefold() for state in streamed)
        assert not any(state["draftInAnswer"] for state in states)
        assert not any("governor" in state["answer"] for state in states)  # never shown as the answer
        assert page.locator("#answer-streaming").count() == 0  # the checked answer replaced it
        shown = page.locator("#answer-text").inner_text()
        assert "fifteenth of September" in shown and "governor" not in shown
        notice = page.locator("#answer-notice")
        notice.locator("summary").click()
        assert "governor" in notice.inner_text() and "not in the cited passages" in notice.inner_text()
