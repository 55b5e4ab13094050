"""What the Ask tab shows around an answer, in a real browser: the meeting a question's words were
read as, a question that cannot be asked, and a timeline's blocks."""

from __future__ import annotations

from tests.web.test_ui import ask


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


def test_a_timeline_is_one_block_per_meeting_headed_by_its_title_and_date(page):
    menu = page.locator("#filter-meeting input")
    for meeting_id in ("city_council_2024-03-12", "product_sync_2024-05-06"):  # two of the meetings chosen
        menu.click()
        menu.fill(meeting_id)
        page.locator("ul[role=listbox] li", has_text=meeting_id).first.wait_for()
        menu.press("Enter")
    page.keyboard.press("Escape")
    ask(page, "What was decided?")
    page.wait_for_selector("#answer-text .onrecord-timeline-meeting", timeout=30_000)
    blocks = page.locator("#answer-text .onrecord-timeline-meeting")
    assert blocks.count() == 2
    heads = page.locator("#answer-text .onrecord-timeline-head").all_inner_texts()
    assert heads[0].endswith("· 2024-03-12") and heads[1].endswith("· 2024-05-06"), heads  # in date order
    council, sync = blocks.all_inner_texts()
    assert "bike lane" in council and "bike lane" not in sync
    assert "(2024-03-12):" not in council and "(2024-05-06):" not in sync  # the heading, not a title line
    for block in range(2):  # each block's citations are its own meeting's
        numbers = (
            blocks.nth(block).locator(".onrecord-cite").evaluate_all("(links) => links.map((a) => a.dataset.cite)")
        )
        dates = {page.locator(f"#citations #card-{n} .onrecord-title").inner_text()[-11:-1] for n in numbers}
        assert dates == {heads[block][-10:]}, (numbers, dates)


def test_timeline_blocks_follow_citations_where_parts_do_not_name_their_meeting():
    from datetime import date

    from core.models import Answer, AnswerPart, Chunk, Citation, Hit, Meeting
    from web.render import answer_html, timeline_blocks

    def meeting(meeting_id: str, day: date) -> Meeting:
        return Meeting(meeting_id, f"Board {day.isoformat()}", day, "", "plain", None, (), (), 3, 1, "")

    march, april = meeting("board_march", date(2025, 3, 10)), meeting("board_april", date(2025, 4, 14))
    hits = [
        Hit(1, 1.0, 1.0, Chunk(f"c{m.meeting_id}", m.meeting_id, "text", 0, 1, ()), m.title, m.date, None)
        for m in (march, april)
    ]
    parts = (
        AnswerPart("Board 2025-03-10 (2025-03-10):"),
        AnswerPart("Chair: The motion carries."),
        AnswerPart("It passed.", 1),
        AnswerPart("Board 2025-04-14 (2025-04-14):"),
        AnswerPart("Postponed to May.", 2),
    )
    found = Answer(
        "What happened?",
        "",
        False,
        (Citation(1, hits[0]), Citation(2, hits[1])),
        parts=parts,
        scope="meetings",
        meetings=(march, april),
    )
    blocks = timeline_blocks(found)
    assert [(meeting_id, heading) for meeting_id, heading, _ in blocks] == [
        ("board_march", "Board 2025-03-10 · 2025-03-10"),
        ("board_april", "Board 2025-04-14 · 2025-04-14"),
    ]
    assert [[part.text for part in block] for _, _, block in blocks] == [
        ["Chair: The motion carries.", "It passed."],
        ["Postponed to May."],
    ]
    assert answer_html(found).count('class="onrecord-timeline-meeting"') == 2
