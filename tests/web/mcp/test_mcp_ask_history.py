"""The MCP ask tool's `history`: a follow-up read against the thread, called with the SDK's client on a
server in this process; a bad history is a tool error of one line."""

from __future__ import annotations

from tests.web.mcp.conftest import COUNCIL
from tests.web.mcp.test_mcp_arguments import calls

BIKE_LANE = {"question": "What did the council decide about the Harbour Street bike lane?", "answer": ""}
FOLLOW_UP = "When does construction on it start?"


def test_the_ask_tool_reads_a_follow_up_against_its_history(samples_library):
    from web.agents import agent_server

    tools, followed, alone, *bad = calls(
        agent_server(samples_library),
        ("ask", {"question": FOLLOW_UP, "history": [BIKE_LANE]}),
        ("ask", {"question": FOLLOW_UP}),
        ("ask", {"question": FOLLOW_UP, "history": "the bike lane"}),
        ("ask", {"question": FOLLOW_UP, "history": [BIKE_LANE, {"answer": "In September."}]}),
        ("ask", {"question": FOLLOW_UP, "history": [BIKE_LANE] * 30}),
    )
    schema = tools["ask"].input_schema["properties"]["history"]
    assert "oldest first" in schema["description"] and {kind.get("type") for kind in schema["anyOf"]} == {
        "array",
        "null",
    }
    assert not followed.is_error and not alone.is_error, [followed.content, alone.content]
    answer = followed.structured_content
    assert answer["question"] == FOLLOW_UP and "harbour street bike lane" in answer["standalone"].casefold()
    assert {citation["meeting_id"] for citation in answer["citations"]} == {COUNCIL}
    assert alone.structured_content["standalone"] == FOLLOW_UP
    not_a_list, no_question, long = bad
    assert not_a_list.is_error and no_question.is_error
    assert not_a_list.content[0].text.startswith("bad arguments: history: Input should be a valid list")
    assert no_question.content[0].text.startswith("history turn 2 has no question")
    assert all("\n" not in result.content[0].text for result in (not_a_list, no_question))
    assert not long.is_error and "last 20 turns of the thread (30 given" in long.structured_content["notice"]
