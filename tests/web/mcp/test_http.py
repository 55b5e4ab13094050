"""The same tools over HTTP at /mcp of the running app, behind its log-in."""

from __future__ import annotations

import httpx
import httpx2
import pytest

from tests.web.conftest import free_port, serving
from tests.web.mcp.conftest import COUNCIL, run_apart

LOGIN = ("clerk", "minutes-2024")


@pytest.fixture(scope="module")
def app_with_login(samples_dir, settings_for, embedder, tmp_path_factory):
    from library import Library

    settings = settings_for(samples_dir, port=free_port(), auth_username=LOGIN[0], auth_password=LOGIN[1])
    with serving(Library(settings, embedder), tmp_path_factory.mktemp("reports")) as url:
        yield url


def test_ask_over_http_with_the_login(app_with_login):
    from mcp.client.session import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def run() -> dict:
        async with (
            httpx2.AsyncClient(auth=LOGIN, timeout=60) as client,
            streamable_http_client(f"{app_with_login}/mcp", http_client=client) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            assert "read_transcript" in {tool.name for tool in (await session.list_tools()).tools}
            result = await session.call_tool("ask", {"question": "Who is worried about the Harbour Street bike lane?"})
            assert not result.is_error, result.content
            refused = await session.call_tool("chapters", {"meeting": "nope"})
            assert refused.is_error and refused.content[0].text.startswith("no meeting named 'nope'")
            return result.structured_content

    answer = run_apart(run)
    assert any(c["meeting_id"] == COUNCIL and "shop owners" in c["text"] for c in answer["citations"])


def test_no_login_no_tools(app_with_login):
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    headers = {"Accept": "application/json, text/event-stream"}
    for auth in (None, ("clerk", "wrong")):
        response = httpx.post(f"{app_with_login}/mcp", json=initialize, headers=headers, auth=auth, timeout=30)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Basic"
