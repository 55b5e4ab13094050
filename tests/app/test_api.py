"""The app's two APIs: Gradio's own (through gradio_client) and POST /api/ask."""

from __future__ import annotations

import httpx


def test_gradio_client_asks(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    result = client.predict(question="What did Quim Gil say about grants?", api_name="/ask")
    assert not result["abstained"]
    assert "Quim Gil" in result["citations"][0]["speakers"]
    assert "[1]" in result["answer"]


def test_post_api_ask_returns_the_cli_json(app_url):
    response = httpx.post(
        f"{app_url}/api/ask",
        json={"question": "When does construction of the Harbour Street bike lane start?", "k": 5},
        timeout=60,
    )
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"question", "answer", "abstained", "evidence", "citations"}
    citation = answer["citations"][0]
    assert citation["meeting_id"] == "city_council_2024-03-12"
    assert {
        "n",
        "text",
        "title",
        "date",
        "speakers",
        "topic",
        "turn_start",
        "turn_end",
        "start",
        "end",
        "url",
        "score",
    } <= set(citation)


def test_post_api_ask_reports_bad_input(app_url):
    unknown = httpx.post(f"{app_url}/api/ask", json={"question": "grants", "speaker": "Nobody Atall"}, timeout=60)
    assert unknown.status_code == 400 and "no speaker named 'Nobody Atall'" in unknown.json()["detail"]
    long = httpx.post(f"{app_url}/api/ask", json={"question": "x" * 10_000}, timeout=60)
    assert long.status_code == 400 and "10,000 characters" in long.json()["detail"]
