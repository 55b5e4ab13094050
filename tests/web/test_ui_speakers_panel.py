"""The Speakers panel of the Browse tab in a real browser: a meeting's labels with the transcript's
suggestions and their evidence, accepted and renamed in place, the name then in the transcript and in an
answer's citation; a person's page. Its own library, so that the names given stay out of other tests."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from tests.web.conftest import free_port, opened, serving
from tests.web.test_ui import ask, choose

MEETING = "speakers_harbour_committee"


@pytest.fixture(scope="module")
def speakers_url(tmp_path_factory, settings_for, embedder):
    from library import Library

    settings = settings_for(tmp_path_factory.mktemp("speakers-store"), port=free_port())
    library = Library(settings, embedder)
    files = [DATA / "speakers_harbour_committee.json", DATA / "speakers_ferry_followup.txt"]
    assert [r.status for r in library.ingest(files)] == ["added", "added"]
    with serving(library, tmp_path_factory.mktemp("reports")) as url:
        yield url


def has_text(page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([selector, text]) => (document.querySelector(selector)?.innerText || '').includes(text)",
        arg=[selector, text],
        timeout=30_000,
    )


def open_panel(page) -> None:
    page.get_by_role("tab", name="Browse").click()
    choose(page, "browse-meeting", MEETING)
    has_text(page, "#speakers-table", "SPEAKER_03")


def test_accept_a_suggestion_and_see_the_name_in_an_answers_citation(browser, speakers_url):
    with opened(browser, speakers_url, "speakers_panel_accept") as page:
        open_panel(page)
        has_text(page, "#speakers-table", "not named in the transcript")
        table = page.locator("#speakers-table").inner_text()
        assert "Helen Marsh" in table and "I'm Helen Marsh" in table  # the suggestion and its evidence
        assert page.locator("#speakers-table .onrecord-speaker-name").all_inner_texts()[0].strip() == ""
        page.locator("#speakers-accept").click()
        has_text(page, "#speakers-table .onrecord-speaker-name", "Helen Marsh")
        has_text(page, "#browse-view", "Bruno")  # the transcript shows the name at once
        choose(page, "speakers-label", "SPEAKER_01")
        page.locator("#speakers-name input, #speakers-name textarea").first.fill("Ana Souza")
        page.locator("#speakers-rename").click()
        has_text(page, "#speakers-table", "Ana Souza")
        choose(page, "person-name", "Helen Marsh")
        has_text(page, "#person-view", "ferry")
        page.get_by_role("tab", name="Ask").click()
        ask(page, "What did Bruno say about the fuel surcharge?")
        page.wait_for_selector("#citations .onrecord-card", timeout=30_000)
        speakers = page.locator("#citations .onrecord-speakers").all_inner_texts()
        assert any("Bruno" in shown for shown in speakers), speakers
        assert not any("SPEAKER_02" in shown for shown in speakers), speakers


def test_a_refused_rename_is_a_message_and_changes_nothing(browser, speakers_url):
    with opened(browser, speakers_url, "speakers_panel_refused") as page:
        open_panel(page)
        before = page.locator("#speakers-table table").inner_text()
        choose(page, "speakers-label", "SPEAKER_03")
        page.locator("#speakers-name input, #speakers-name textarea").first.fill("x" * 500)
        page.locator("#speakers-rename").click()
        page.wait_for_selector("text=longer than", timeout=30_000)
        assert page.locator("#speakers-table table").inner_text() == before
