"""The app's two APIs: Gradio's own (through gradio_client) and POST /api/ask."""

from __future__ import annotations

import shutil
from pathlib import Path

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
    assert set(answer) >= {"question", "answer", "abstained", "evidence", "citations"}
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

    from app import create_app
    from library import Library
    from tests.conftest import DATA

    settings = settings_for(tmp_path, auth_username="clerk", auth_password="s3cret")
    library = Library(settings, embedder)
    library.ingest([DATA / "notes.txt"])
    client = TestClient(create_app(library))
    body = {"question": "How long does a small grant take to approve?"}
    assert client.post("/api/ask", json=body).status_code == 401
    assert client.post("/api/ask", json=body, auth=("clerk", "wrong")).status_code == 401
    answered = client.post("/api/ask", json=body, auth=("clerk", "s3cret"))
    assert answered.status_code == 200 and answered.json()["citations"][0]["meeting_id"] == "notes"
    assert client.post("/gradio_api/call/ask", json={"data": ["grants"]}).status_code in (401, 403)
    chapters = "/api/meetings/NOTES/chapters"
    assert client.get(chapters).status_code == 401
    assert client.get(chapters, auth=("clerk", "s3cret")).json()["meeting_id"] == "notes"  # any case


def test_uploads_are_staged_under_safe_distinct_names_and_gradios_copies_deleted(tmp_path):
    from web.library_tab import stage_uploads

    def upload(folder: str, name: str, content: bytes) -> Path:
        path = tmp_path / "gradio-cache" / folder / name
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        return path

    big = upload("1", "big.txt", b"Ana: hi\n" * 300_000)
    odd = upload("2", "..;rm -rf ~;.vtt", b"WEBVTT\n")
    colon = upload("3", "a:b.txt", b"Ana: the first file")
    semicolon = upload("4", "a;b.txt", b"Ana: the second file")  # the same name once made safe
    uploads = [str(p) for p in (big, odd, colon, semicolon)]
    staged = stage_uploads(uploads, limit_mb=1, cache=tmp_path / "gradio-cache")
    assert [row[0] for row in staged.refused] == ["big.txt"] and "larger than 1 MiB" in staged.refused[0][4]
    paths = [Path(path) for path in staged.names]
    assert [path.name for path in paths] == ["rm -rf _.vtt", "a_b.txt", "a_b-2.txt"]
    assert list(staged.names.values()) == ["..;rm -rf ~;.vtt", "a:b.txt", "a;b.txt"]  # named as uploaded
    assert all(path.parent == staged.folder for path in paths)
    assert [path.read_bytes() for path in paths[1:]] == [b"Ana: the first file", b"Ana: the second file"]
    assert not list((tmp_path / "gradio-cache").iterdir())  # no upload outlives its staging
    shutil.rmtree(staged.folder)  # as the Library tab does once they are ingested


def test_a_meetings_chapters_as_json_and_as_a_webvtt_track(app_url):
    listed = httpx.get(f"{app_url}/api/meetings/city_council_2024-03-12/chapters", timeout=30)
    assert listed.status_code == 200
    chapters = listed.json()["chapters"]
    assert len(chapters) >= 2 and {c["source"] for c in chapters} == {"auto"}
    assert any("library" in (c["topic"] or "").casefold() for c in chapters)
    track = httpx.get(f"{app_url}/api/meetings/city_council_2024-03-12/chapters.vtt", timeout=30)
    assert track.status_code == 200 and track.headers["content-type"].startswith("text/vtt")
    assert track.text.startswith("WEBVTT") and chapters[1]["topic"] in track.text
    unknown = httpx.get(f"{app_url}/api/meetings/no_such_meeting/chapters", timeout=30)
    assert unknown.status_code == 404 and "no meeting named 'no_such_meeting'" in unknown.json()["detail"]
    untimed = httpx.get(f"{app_url}/api/meetings/office_hours_2022-03-24/chapters.vtt", timeout=30)
    assert untimed.status_code == 404 and "has no times" in untimed.json()["detail"]
