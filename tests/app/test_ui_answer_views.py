"""What the Ask tab shows around an answer, in a real browser: the meeting a question's words were
read as, a question that cannot be asked, and a timeline's blocks."""

from __future__ import annotations

from tests.app.test_ui import ask


def test_the_page_says_which_meeting_a_phrase_was_read_as(page):
    ask(page, "Summarize the city council meeting")
    page.wait_for_selector("#answer-resolved", timeout=30_000)
    said = page.locator("#answer-resolved").inner_text()
    assert "“the city council meeting” read as" in said and "city_council_2024-03-12, 2024-03-12" in said
    assert page.locator("#answer-text .onrecord-cite").count() > 0


def test_a_bad_date_clears_the_previous_answer_and_says_why(page):
    ask(page, "How much was the grant?")
    page.wait_for_selector("#answer-text .onrecord-cite", timeout=30_000)
    page.locator("#filter-from input, #filter-from textarea").first.fill("last March")
    ask(page, "When will version 3.0 be released?")
    page.wait_for_selector("#answer-error", timeout=30_000)
    assert page.locator("#answer-error").inner_text() == "date 'last March' is not YYYY-MM-DD; write it like 2022-03-24"
    assert page.locator("#answer-text, #answer-abstained").count() == 0  # the earlier answer is gone
    assert (
        page.locator("#citations .onrecord-card").count() == 0
        and "grant" not in page.locator("#citations").inner_text()
    )
    page.get_by_text("Answer as Markdown, and earlier questions").click()
    assert page.locator("#answer-markdown textarea").input_value() == ""
