"""The app under concurrent callers, and beside a CLI writing to the same data directory."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import DATA, ROOT

QUESTIONS = [
    "When does construction of the Harbour Street bike lane start?",
    "What did Quim Gil say about grants?",
    "Why did the offline launch move?",
    "How much is the rooftop garden budget?",
    "What did Councillor Dave Kowalski worry about?",
]
CALLERS = 20
SECONDS = 10


def valid_answer(answer: dict) -> bool:
    numbers = [citation["n"] for citation in answer["citations"]]
    return (
        isinstance(answer["answer"], str)
        and answer["answer"].strip() != ""
        and numbers == list(range(1, len(numbers) + 1))
        and all(citation["meeting_id"] and citation["text"] for citation in answer["citations"])
        and (answer["abstained"] or all(f"[{n}]" in answer["answer"] for n in numbers))
    )


def test_twenty_concurrent_callers_get_valid_answers(served, tmp_path):
    """20 callers of POST /api/ask for 10 s against the real server (uvicorn, one shared model),
    while the library changes under them: no 5xx, every answer valid JSON with valid citations."""
    app_url, library = served
    extra = tmp_path / "extra_call.txt"
    extra.write_text((DATA / "notes.txt").read_text().replace("grant", "stipend"))
    deadline = time.monotonic() + SECONDS
    failures: list[str] = []

    def caller(number: int) -> int:
        done = 0
        with httpx.Client(base_url=app_url, timeout=60) as client:
            while time.monotonic() < deadline:
                question = QUESTIONS[(number + done) % len(QUESTIONS)]
                response = client.post("/api/ask", json={"question": question})
                try:
                    if response.status_code != 200 or not valid_answer(response.json()):
                        failures.append(f"{response.status_code}: {response.text[:200]}")
                except ValueError:
                    failures.append(f"not JSON: {response.text[:200]}")
                done += 1
        return done

    def writer() -> int:  # uploads and removals through the app's library, as the Library tab makes them
        changes = 0
        while time.monotonic() < deadline - 2:
            library.ingest([extra])
            library.remove("extra_call")
            changes += 1
        return changes

    with ThreadPoolExecutor(CALLERS + 1) as pool:
        changes = pool.submit(writer)
        answered = sum(pool.map(caller, range(CALLERS)))
    assert not failures, failures[:3]
    assert changes.result() >= 1 and "extra_call" not in library.catalog.meetings
    assert answered >= CALLERS  # every caller was answered at least once


def test_the_app_sees_what_the_cli_ingests_and_removes(tmp_path, settings_for, embedder):
    from fastapi.testclient import TestClient

    from app import create_app
    from index.writer import write_lock
    from library import Library

    settings = settings_for(tmp_path / "store")
    library = Library(settings, embedder)
    library.ingest([DATA / "notes.txt"])
    client = TestClient(create_app(library, tmp_path / "reports"))
    question = {"question": "What was decided about the Harbour Street bike lane?"}
    before = client.post("/api/ask", json=question).json()
    assert {c["meeting_id"] for c in before["citations"]} == {"notes"}

    def cli(*arguments: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "cli", *arguments, "--data-dir", str(settings.data_dir)]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)

    assert cli("ingest", str(DATA / "captions.vtt")).returncode == 0  # another process writes
    after = client.post("/api/ask", json=question).json()  # the next question sees it
    assert "captions" in {c["meeting_id"] for c in after["citations"]}
    with write_lock(settings.data_dir):  # while the app writes, the CLI is refused, clearly
        refused = cli("remove", "captions")
    assert refused.returncode == 1 and "locked by another On Record process" in refused.stderr
    assert cli("remove", "captions").returncode == 0
    gone = client.post("/api/ask", json=question).json()
    assert {c["meeting_id"] for c in gone["citations"]} == {"notes"}
    assert set(library.catalog.meetings) == {"notes"}
