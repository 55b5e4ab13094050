"""The speakers over HTTP (web.speaker_api, behind the app's log-in) and as MCP tools (web.speaker_tools:
`speakers` always, `rename_speaker` and `merge_speakers` only with writes allowed)."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from tests.web.mcp.test_mcp_arguments import calls

MEETING = "speakers_harbour_committee"
FIELDS = {"label", "name", "suggestion", "confidence", "evidence", "turns", "share"}
LOGIN = ("clerk", "s3cret")


@pytest.fixture
def library(tmp_path, settings_for, embedder):
    from library import Library

    library = Library(settings_for(tmp_path, auth_username=LOGIN[0], auth_password=LOGIN[1]), embedder)
    library.ingest([DATA / "speakers_harbour_committee.json", DATA / "speakers_ferry_followup.txt"])
    return library


def test_the_routes_read_and_name_speakers_behind_the_login(library):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from web.api import Guarded
    from web.speaker_api import register

    app = FastAPI()
    register(app, library, lambda: None)
    client = TestClient(Guarded(app, library.settings))
    route = f"/api/meetings/{MEETING}/speakers"
    assert client.get(route).status_code == 401
    assert client.post(route, json={"accept": True}).status_code == 401
    found = client.get(route, auth=LOGIN).json()
    assert found["meeting"] == MEETING and all(set(row) == FIELDS for row in found["speakers"])
    assert found["speakers"][0]["suggestion"] == "Helen Marsh" and found["speakers"][0]["name"] is None
    accepted = client.post(route, json={"accept": True}, auth=LOGIN).json()
    assert [row["name"] for row in accepted["speakers"]] == ["Helen Marsh", None, "Bruno", None]
    renamed = client.post(route, json={"rename": {"SPEAKER_01": "Ana Souza"}}, auth=LOGIN).json()
    assert renamed["speakers"][1]["name"] == "Ana Souza"
    refused = client.post(route, json={"rename": {"SPEAKER_01": ""}}, auth=LOGIN)
    assert refused.status_code == 400 and "cannot be empty" in refused.json()["detail"]
    assert client.get(route, auth=LOGIN).json()["speakers"][1]["name"] == "Ana Souza"  # nothing changed
    merges = client.get("/api/speakers/merges", auth=LOGIN).json()["merges"]
    assert {"Helen Marsh", "Chair Helen Marsh"} <= set(merges[0]["names"])
    merged = client.post("/api/speakers/merge", json={"names": ["Helen Marsh", "Chair Helen Marsh"]}, auth=LOGIN)
    assert merged.json()["person"] == "Helen Marsh"
    person = client.get("/api/speakers/person", params={"name": "Chair Helen Marsh"}, auth=LOGIN).json()
    assert {m["meeting"] for m in person["meetings"]} == {MEETING, "speakers_ferry_followup"}
    unknown = client.get("/api/meetings/nothing_here/speakers", auth=LOGIN)
    assert unknown.status_code == 400 and "no meeting named 'nothing_here'" in unknown.json()["detail"]
    assert client.post(route, json={"reset": True}, auth=LOGIN).json()["speakers"][0]["name"] is None


def test_the_tools_read_always_and_write_only_when_allowed(library):
    from web.agents import agent_server
    from web.speaker_tools import register

    reading = agent_server(library)
    register(reading, writes=False)
    tools, found = calls(reading, ("speakers", {"meeting": MEETING}))
    assert "speakers" in tools and "rename_speaker" not in tools and "merge_speakers" not in tools
    assert found.structured_content["speakers"][2]["suggestion"] == "Bruno"
    writing = agent_server(library)
    register(writing, writes=True)
    tools, renamed, refused, merged, person = calls(
        writing,
        ("rename_speaker", {"meeting": MEETING, "label": "SPEAKER_00", "name": "Helen Marsh"}),
        ("rename_speaker", {"meeting": MEETING, "label": "SPEAKER_09", "name": "Nobody"}),
        ("merge_speakers", {"names": ["Helen Marsh", "Chair Helen Marsh"]}),
        ("speakers", {"person": "Helen Marsh"}),
    )
    assert tools["rename_speaker"].annotations.read_only_hint is not True
    assert renamed.structured_content["speakers"][0]["name"] == "Helen Marsh"
    assert refused.is_error and "no speaker labelled 'SPEAKER_09'" in refused.content[0].text
    assert "\n" not in refused.content[0].text
    assert merged.structured_content["person"] == "Helen Marsh"
    assert len(person.structured_content["meetings"]) == 2
    assert library.meeting(MEETING).speakers[0] == "Helen Marsh"
