"""The app in a real browser: Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

from tests.conftest import DATA


def ask(page, question: str) -> None:
    box = page.locator("#question textarea, #question input").first
    box.fill(question)
    page.locator("#ask-button").click()


def add_file(page, path, expect: str) -> None:
    """Upload one file in the Library tab and wait for the status line to say `expect`."""
    page.locator("#upload input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(1000)
    page.locator("#add-button").click()
    page.wait_for_function(
        "(want) => (document.querySelector('#library-status')?.innerText || '').includes(want)",
        arg=expect,
        timeout=60_000,
    )


def test_ask_a_seed_question_and_see_a_cited_answer(page):
    ask(page, "What did Cameran Ashraf say about jurisdictions?")
    page.wait_for_selector("#answer-text .onrecord-cite", timeout=30_000)
    answer = page.locator("#answer-text").inner_text()
    assert "Cameran Ashraf" in answer and "[1]" in answer
    card = page.locator("#citations #card-1")
    assert "Cameran Ashraf" in card.inner_text()
    assert "Office hours 2022-03-24" in card.inner_text()
    assert page.locator("#citations mark").count() > 0  # the question's words highlighted


def test_click_a_citation_to_open_the_transcript_at_that_turn(page):
    ask(page, "What happens if the enforcement vote fails?")
    page.wait_for_selector("#answer-text .onrecord-cite", timeout=30_000)
    page.locator("#answer-text .onrecord-cite").first.click()
    page.wait_for_selector("#transcript-view #cited-turn", timeout=30_000)
    cited = page.locator("#transcript-view .onrecord-cited")
    assert cited.count() >= 1
    assert any("If the vote is not approved" in text for text in cited.all_inner_texts())
    around = page.locator("#transcript-view .onrecord-turn").count()
    assert around > cited.count()  # the turns around it are shown too


def test_unanswerable_question_shows_the_not_answered_state(page):
    ask(page, "How many servers does the Foundation run in its Singapore data centre?")
    page.wait_for_selector("#answer-abstained", timeout=30_000)
    assert "Not answered by these transcripts" in page.locator("#answer").inner_text()
    assert page.locator("#citations .onrecord-card").count() >= 1  # nearest passages still listed


def test_what_the_transcripts_do_not_cover_is_said_in_words(page):
    ask(page, "What did Roy Smith say about the Movement Charter?")
    page.wait_for_selector("#answer-abstained .onrecord-cite", timeout=30_000)
    shown = page.locator("#answer-abstained").inner_text()
    assert "Not in these transcripts" in shown and "Roy Smith does not speak of the Movement Charter" in shown
    ask(page, "Who on the human rights team supports Eastern Europe?")
    page.wait_for_selector("#answer-coverage", timeout=30_000)
    assert "Partly answered" in page.locator("#answer-coverage").inner_text()
    assert "dedicated HR fellow" in page.locator("#answer-text").inner_text()


def test_a_date_range_keeps_the_meetings_within_it(page):
    page.locator("#filter-from input, #filter-from textarea").first.fill("2024-05-01")
    page.locator("#filter-to input, #filter-to textarea").first.fill("2024-05-31")
    ask(page, "What was decided?")
    page.wait_for_selector("#answer-text .onrecord-cite", timeout=30_000)
    cards = page.locator("#citations .onrecord-card").all_inner_texts()
    assert cards and all("2024-05-06" in card for card in cards)  # the product sync, the one meeting in May


def test_a_date_not_written_as_a_day_is_a_message_saying_how(page):
    page.locator("#filter-from input, #filter-from textarea").first.fill("last March")
    ask(page, "What was decided?")
    page.wait_for_function("() => document.body.innerText.includes('write it like 2022-03-24')", timeout=30_000)


def test_upload_a_vtt_file_then_ask_from_it(page, tmp_path):
    upload = tmp_path / "garden_club_2024-08-01.vtt"
    upload.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Olga Petrova>Um, the garden club will, you know, plant "
        "forty apple trees along the river path in October.\n\n00:00:06.000 --> 00:00:09.000\n"
        "<v Ben Carter>The council pays for the saplings and we bring the volunteers.\n"
    )
    page.get_by_role("tab", name="Library").click()
    add_file(page, upload, expect="1 added")
    assert "added" in page.locator("#upload-results").inner_text()
    assert "garden_club_2024-08-01" in page.locator("#meetings-table").inner_text()
    page.get_by_role("tab", name="Ask").click()
    ask(page, "How many apple trees will the garden club plant?")
    page.wait_for_selector("#answer-text .onrecord-cite", timeout=30_000)
    card = page.locator("#citations #card-1").inner_text()
    assert "Olga Petrova" in card and "Garden club (2024-08-01)" in card  # a title read from the file's id
    shown = page.locator("#answer-text").inner_text()  # fillers left out of the quote, nothing else changed
    assert "The garden club will plant forty apple trees along the river path in October." in shown
    assert "Um" not in shown and "you know" not in shown
    spoken = page.locator("#answer-verbatim")
    spoken.locator("summary").click()  # the words as spoken, one click away
    assert "Um, the garden club will, you know, plant forty apple trees" in spoken.inner_text()
    assert "Support:" in page.locator("#answer-support").inner_text()


def listed_meetings(page, library) -> str:
    """The Library tab's table once the page's load event has filled it with every meeting the
    library holds (an upload by an earlier test is in it only after that event) and no event runs."""
    page.wait_for_function(
        """(ids) => {
            const table = document.querySelector('#meetings-table');
            const text = table?.innerText || '';
            return ids.every((id) => text.includes(id)) && !/^\\s*[\\d.]+s/.test(text)
                && !table.querySelector('.pending, .eta-bar, .progress-text');
        }""",
        arg=[meeting.meeting_id for meeting in library.meetings()],
        timeout=30_000,
    )
    return page.locator("#meetings-table").inner_text()


def test_bad_upload_is_reported_and_the_library_is_unharmed(page, served, tmp_path):
    broken = tmp_path / "broken.vtt"
    broken.write_text((DATA / "broken.vtt").read_text())
    page.get_by_role("tab", name="Library").click()
    before = listed_meetings(page, served[1])
    add_file(page, broken, expect="1 failed")
    assert "broken cue timing" in page.locator("#upload-results").inner_text()
    assert page.locator("#meetings-table").inner_text() == before


def test_hostile_transcript_renders_as_text_and_runs_no_script(page):
    ask(page, "What about the zeppelin budget and hangar?")
    page.wait_for_selector("#citations .onrecord-card", timeout=30_000)
    cards = page.locator("#citations").inner_text()
    assert "<script>window.__pwned = 1</script>" in cards
    assert '<img src=x onerror="window.__pwned = 2">' in cards or "onerror" in cards
    page.locator("#citations .onrecord-card").first.click()
    page.wait_for_selector("#transcript-view #cited-turn", timeout=30_000)
    transcript = page.locator("#transcript-view").inner_text()
    assert "[the zeppelin plans](javascript:window.__pwned=3)" in transcript
    assert page.locator("#citations img, #transcript-view img").count() == 0
    assert page.locator("#citations a[href^='javascript'], #transcript-view a[href^='javascript']").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_brackets_in_a_transcript_are_text_and_only_real_markers_are_links(page):
    ask(page, "What does the zeppelin budget line cover?")
    page.wait_for_selector("#answer-text .onrecord-cite", timeout=30_000)
    assert "line [12] covers" in page.locator("#answer-text").inner_text()
    cards = page.locator("#citations .onrecord-card").count()
    links = page.locator("#answer-text .onrecord-cite").all_inner_texts()
    assert links and set(links) <= {f"[{n}]" for n in range(1, cards + 1)}
    page.get_by_text("Answer as Markdown, and earlier questions").click()
    assert r"line \[12\] covers" in page.locator("#answer-markdown textarea").input_value()


def choose(page, element_id: str, option: str) -> None:
    """Pick an option in a Gradio dropdown."""
    page.locator(f"#{element_id} input").click()
    page.locator("ul[role=listbox] li", has_text=option).first.click()


def test_browse_a_meeting_by_topic_and_search_within_it(page):
    page.get_by_role("tab", name="Browse").click()
    choose(page, "browse-meeting", "office_hours_2022-03-24")
    page.wait_for_function(
        "() => (document.querySelector('#browse-view')?.innerText || '').includes('Office hours 2022-03-24')"
    )
    assert page.locator("#browse-view .onrecord-turn").count() == 55
    choose(page, "browse-topic", "Human Rights")
    page.wait_for_function("() => document.querySelectorAll('#browse-view .onrecord-turn').length === 9")
    assert "Cameran Ashraf" in page.locator("#browse-view").inner_text()
    search = page.locator("#browse-search textarea, #browse-search input").first
    search.fill("IP block exceptions")
    search.press("Enter")
    page.wait_for_function("() => document.querySelector('#browse-view mark')")
    assert any("IP block exceptions" in text for text in page.locator("#browse-view .onrecord-cited").all_inner_texts())


def test_browse_opens_a_meeting_at_its_chapters_and_a_chapter_opens_its_turns(page):
    page.get_by_role("tab", name="Browse").click()
    choose(page, "browse-meeting", "city_council_2024-03-12")
    page.wait_for_selector("#browse-chapters .onrecord-chapter", timeout=30_000)
    chapters = page.locator("#browse-chapters .onrecord-chapter")
    assert chapters.count() >= 2
    assert page.locator("#browse-chapters .onrecord-auto").count() == chapters.count()  # marked as found
    texts = chapters.all_inner_texts()
    assert all("Chapter" in text and "0:0" in text for text in texts)
    library = next(i for i, text in enumerate(texts) if "library" in text.casefold())
    assert page.locator("#browse-view .onrecord-turn").count() == 16  # the whole meeting first
    chapters.nth(library).click()
    page.wait_for_function("() => document.querySelectorAll('#browse-view .onrecord-turn').length < 16")
    shown = page.locator("#browse-view").inner_text()
    assert "Saturday opening hours" in shown and "protected bike lane" not in shown


def test_browse_opens_a_meeting_at_its_minutes_and_a_decision_opens_its_turn(page):
    page.get_by_role("tab", name="Browse").click()
    choose(page, "browse-meeting", "city_council_2024-03-12")
    page.wait_for_selector("#browse-minutes #minutes-decisions li", timeout=30_000)
    minutes = page.locator("#browse-minutes").inner_text()
    assert "Minutes" in minutes and "(vote 5–0)" in minutes and "pilot is approved" in minutes
    assert "Speakers: Mayor Lena Ortiz" in minutes
    page.locator("#minutes-decisions .onrecord-minute").first.click()
    page.wait_for_function("() => document.querySelectorAll('#browse-view .onrecord-turn').length < 16")
    cited = page.locator("#browse-view .onrecord-cited").inner_text()
    assert "the motion is to approve the Harbour Street protected bike lane" in cited


def test_a_citation_shows_its_chapter(page):
    ask(page, "When does the bike lane construction start?")
    page.wait_for_selector("#citations #card-1", timeout=30_000)
    card = page.locator("#citations #card-1").inner_text()
    assert "Chapter" in card and "auto" in card


def test_earlier_questions_stay_listed_and_reopen(page):
    ask(page, "Why does bread go stale?")
    page.wait_for_selector("#answer-text .onrecord-cite", timeout=30_000)
    first_answer = page.locator("#answer-text").inner_text()
    ask(page, "When will version 3.0 be released?")
    page.wait_for_function(
        "(old) => { const text = document.querySelector('#answer-text')?.innerText || '';"
        " return text && text !== old; }",
        arg=first_answer,
    )
    page.get_by_text("Answer as Markdown, and earlier questions").click()
    markdown = page.locator("#answer-markdown textarea").input_value()
    assert markdown.startswith("**Q:** When will version 3.0 be released?") and "[1]" in markdown
    choose(page, "earlier", "1. Why does bread go stale?")
    page.wait_for_function(
        "(old) => (document.querySelector('#answer-text')?.innerText || '') === old", arg=first_answer
    )


def test_remove_a_meeting(page):
    page.get_by_role("tab", name="Library").click()
    page.wait_for_function(
        "() => (document.querySelector('#meetings-table')?.innerText || '').includes('science_podcast_ep7')"
    )
    choose(page, "remove-meeting", "science_podcast_ep7")
    page.locator("#remove-button").click()
    page.wait_for_function(
        "() => (document.querySelector('#library-status')?.innerText || '').includes('Removed science_podcast_ep7')"
    )
    assert "science_podcast_ep7" not in page.locator("#meetings-table").inner_text()


def test_run_the_seed_evaluation_from_the_page(page):
    page.get_by_role("tab", name="Evaluation").click()
    page.locator("#run-eval").click()
    page.wait_for_function(
        "() => (document.querySelector('#eval-table')?.innerText || '').includes('onrecord-hybrid')", timeout=120_000
    )
    table = page.locator("#eval-table").inner_text()
    assert "Hit@5" in table and "MRR@10" in table
    assert page.locator("img").count() >= 2  # the two plots
