"""The app's two APIs: Gradio's own (through gradio_client) and POST /api/ask."""

from __future__ import annotations

import httpx

from tests.conftest import CITATION_KEYS


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
    assert set(citation) >= CITATION_KEYS


def test_post_api_ask_reports_bad_input(app_url):
    unknown = httpx.post(f"{app_url}/api/ask", json={"question": "grants", "speaker": "Nobody Atall"}, timeout=60)
    assert unknown.status_code == 400 and "no speaker named 'Nobody Atall'" in unknown.json()["detail"]
    long = httpx.post(f"{app_url}/api/ask", json={"question": "x" * 10_000}, timeout=60)
    assert long.status_code == 400 and "10,000 characters" in long.json()["detail"]


def test_login_is_required_when_set(tmp_path, settings_for, embedder):
    from fastapi.testclient import TestClient

    from app import Library, create_app
    from tests.conftest import DATA

    settings = settings_for(tmp_path, auth_username="clerk", auth_password="s3cret")
    library = Library(settings, embedder)
    library.add([DATA / "notes.txt"])
    client = TestClient(create_app(library))
    body = {"question": "How long does a small grant take to approve?"}
    assert client.post("/api/ask", json=body).status_code == 401
    assert client.post("/api/ask", json=body, auth=("clerk", "wrong")).status_code == 401
    answered = client.post("/api/ask", json=body, auth=("clerk", "s3cret"))
    assert answered.status_code == 200 and answered.json()["citations"][0]["meeting_id"] == "notes"
    assert client.post("/gradio_api/call/ask", json={"data": ["grants"]}).status_code in (401, 403)


def test_uploads_are_copied_under_safe_names_and_size_limited(tmp_path):
    from app import _staged

    big = tmp_path / "big.txt"
    big.write_bytes(b"Ana: hi\n" * 300_000)
    odd = tmp_path / "..;rm -rf ~;.vtt"
    odd.write_text("WEBVTT\n")
    folder, staged, refused = _staged([str(big), str(odd)], limit_mb=1)
    assert [row[0] for row in refused] == ["big.txt"] and "larger than 1 MiB" in refused[0][4]
    assert len(staged) == 1 and staged[0].parent == folder
    assert staged[0].name == "rm_-rf_.vtt"
