"""A written answer in the browser: the model's words stream in, then the checked answer replaces
them, with the removed sentence one click away. The model is a scripted OpenAI-compatible server
over real HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.llm_server import Script, ScriptedLLM, passage_number
from tests.web.conftest import free_port, opened, serving
from tests.web.test_ui import ask


@pytest.fixture(scope="module")
def written_url(tmp_path_factory, settings_for, embedder):
    from library import Library

    server = ScriptedLLM()
    settings = settings_for(
        tmp_path_factory.mktemp("written-app"), port=free_port(), llm_url=server.url, llm_timeout=20
    )
    library = Library(settings, embedder)
    library.ingest([ROOT / "samples" / "city_council_2024-03-12.vtt"])
    with serving(library, tmp_path_factory.mktemp("reports")) as url:
        yield url, server
    server.close()


def test_a_written_answer_streams_then_is_replaced_by_the_checked_one(browser, written_url, request):
    url, server = written_url

    def answer(request_body: dict) -> str:
        n = passage_number(request_body, "construction starting the fifteenth of September")
        return f"Construction starts on the fifteenth of September [{n}]. The governor paid for the whole lane [{n}]."

    server.say(Script(answer, piece_delay=0.25))
    with opened(browser, url, request.node.name) as page:
        page.locator("#answerer label", has_text="Written, checked").click()
        ask(page, "When does the bike lane construction start?")
        streaming = page.wait_for_selector("#answer-streaming", timeout=30_000)
        assert "Construction" in streaming.inner_text() and "governor" not in streaming.inner_text()  # part way
        page.wait_for_selector("#answer-written", timeout=30_000)
        assert page.locator("#answer-streaming").count() == 0  # replaced
        shown = page.locator("#answer-text").inner_text()
        assert "fifteenth of September" in shown and "[1]" in shown and "governor" not in shown
        notice = page.locator("#answer-notice")
        assert "1 sentence removed" in notice.inner_text()
        notice.locator("summary").click()
        assert "governor" in notice.inner_text() and "not in the cited passages" in notice.inner_text()
        page.locator("#answer-text .onrecord-cite").first.click()
        page.wait_for_selector("#transcript-view #cited-turn", timeout=30_000)
        assert "fifteenth of September" in page.locator("#transcript-view .onrecord-cited").first.inner_text()


def test_without_a_model_the_page_offers_quotes_only(page):
    assert page.locator("#answerer").is_hidden()


def test_post_api_ask_with_the_llm_answerer_returns_its_checks(written_url):
    import httpx

    url, server = written_url
    server.say(
        lambda r: (
            f"Construction starts on the fifteenth of September [{passage_number(r, 'fifteenth of September')}]. "
            "It costs nothing."
        )
    )
    response = httpx.post(
        f"{url}/api/ask",
        json={"question": "When does the bike lane construction start?", "answerer": "llm"},
        timeout=60,
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["answerer"] == "llm" and answer["answer"].startswith("Construction starts on the fifteenth")
    assert [c["supported"] for c in answer["verification"]] == [True, False]
    assert answer["dropped"] == [
        {"sentence": "It costs nothing.", "citations": [], "supported": False, "reason": "cites no passage"}
    ]
    assert answer["parts"][0]["citations"] == [1] and answer["citations"][0]["n"] == 1
    wrong = httpx.post(f"{url}/api/ask", json={"question": "grants", "answerer": "oracle"}, timeout=60)
    assert wrong.status_code == 400 and "unknown answerer 'oracle'" in wrong.json()["detail"]
