"""The MCP tools' arguments in one shape (`meetings`: one id or a list of them) and their messages in
the tools' own words, called with the SDK's client on a server in this process."""

from __future__ import annotations

from tests.web.mcp.conftest import COUNCIL, run_apart

SYNC = "product_sync_2024-05-06"


def calls(server, *requests: tuple[str, dict]) -> list:
    """Each (tool, arguments) called in turn over one client session; their results."""
    from mcp import Client

    async def run() -> list:
        async with Client(server) as client:
            tools = {tool.name: tool for tool in (await client.list_tools()).tools}
            return [tools] + [await client.call_tool(tool, arguments) for tool, arguments in requests]

    return run_apart(run)


def test_meetings_is_one_id_or_a_list_of_them_everywhere(samples_library):
    from web.agents import agent_server

    tools, *results = calls(
        agent_server(samples_library),
        ("search", {"query": "bike lane", "k": 5, "meetings": COUNCIL}),
        ("search", {"query": "bike lane", "k": 5, "meetings": [COUNCIL]}),
        ("search", {"query": "decided", "k": 20, "meetings": [COUNCIL, SYNC]}),
        ("ask", {"question": "Who is worried about the bike lane?", "meetings": COUNCIL}),
        ("ask", {"question": "Who is worried about the bike lane?", "meetings": [COUNCIL, SYNC]}),
    )
    for name in ("ask", "search"):
        schema = tools[name].input_schema["properties"]["meetings"]
        assert (
            schema["description"]
            == "only these meetings: one meeting id or a list of them, as list_meetings gives them"
        )
        assert {kind.get("type") for kind in schema["anyOf"]} == {"array", "string", "null"}
    assert all(not result.is_error for result in results), [r.content for r in results if r.is_error]
    one, listed, two, asked_one, asked_two = (result.structured_content for result in results)
    assert one["hits"] == listed["hits"] and {hit["meeting_id"] for hit in one["hits"]} == {COUNCIL}
    assert {hit["meeting_id"] for hit in two["hits"]} == {COUNCIL, SYNC}
    assert {c["meeting_id"] for c in asked_one["citations"]} == {COUNCIL}
    assert {c["meeting_id"] for c in asked_two["citations"]} <= {COUNCIL, SYNC} and asked_two["citations"]


def test_messages_name_the_tools_arguments_not_the_command_line(samples_library, settings_for, tmp_path):
    from library import Library
    from web.agents import agent_server

    expected = {
        "query is empty: give the words to search for": ("search", {"query": "  "}),
        "question is empty: give the question to answer, in plain language": ("ask", {"question": ""}),
        "no meeting named 'nope' in the index (": ("read_transcript", {"meeting": "nope"}),
        "no meeting named 'elsewhere' in the index (": ("chapters", {"meeting": "elsewhere"}),
    }
    _, *results = calls(agent_server(samples_library), *expected.values())
    empty = Library(settings_for(tmp_path / "empty"), samples_library.embedder)
    _, *on_empty = calls(agent_server(empty), ("search", {"query": "budget"}), ("ask", {"question": "budget?"}))
    for message, result in zip(
        [*expected, *["the library is empty: add transcripts"] * 2], [*results, *on_empty], strict=True
    ):
        text = result.content[0].text
        assert result.is_error and text.startswith(message), text
        assert "onrecord ask" not in text and "onrecord list" not in text and "\n" not in text
    assert "list_meetings shows them" in results[2].content[0].text + results[3].content[0].text


def test_an_ingest_rows_notices_are_in_its_answer():
    from index.writer import IngestResult
    from web.agents import _result_dict

    row = _result_dict(IngestResult("old.txt", "added", "old", 3, 4, notices=("old.txt: read as cp1252.",)))
    assert row["notices"] == ["old.txt: read as cp1252."] and row["status"] == "added"


def test_the_answerers_offered_are_the_registrys(samples_library):
    from answer.ask import ANSWERERS
    from web.agents import agent_server

    (tools,) = calls(agent_server(samples_library))
    answerer = tools["ask"].input_schema["properties"]["answerer"]
    assert answerer["enum"] == list(ANSWERERS) and all(name in answerer["description"] for name in ANSWERERS)
