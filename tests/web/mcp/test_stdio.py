"""`onrecord mcp` over stdio, spawned on a library of the samples and called with the SDK's client."""

from __future__ import annotations

import subprocess

from tests.web.mcp.conftest import COUNCIL, ONRECORD, over_stdio

READ_TOOLS = {"ask", "search", "list_meetings", "read_transcript", "chapters", "minutes", "speakers"}


def test_ask_cites_the_council_meeting(samples_dir):
    async def scenario(session) -> None:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert set(tools) == READ_TOOLS  # no writes unless asked for
        assert all(len(tool.description) > 150 for tool in tools.values())
        assert tools["ask"].input_schema["required"] == ["question"]
        assert tools["ask"].input_schema["properties"]["date_from"]["anyOf"][0]["format"] == "date"

        result = await session.call_tool("ask", {"question": "Who is worried about the Harbour Street bike lane?"})
        assert not result.is_error, result.content
        answer = result.structured_content
        assert not answer["abstained"] and answer["parts"]
        council = [c for c in answer["citations"] if c["meeting_id"] == COUNCIL]
        assert council, answer["citations"]
        cited = council[0]
        assert cited["title"].startswith("Riverton City Council") and cited["date"] == "2024-03-12"
        assert cited["speakers"] and cited["start"] is not None and cited["turn_start"] <= cited["turn_end"]
        assert "shop owners" in " ".join(c["text"] for c in council)

    over_stdio(["--data-dir", str(samples_dir)], scenario)


def test_read_transcript_pages_through_a_meeting(samples_dir):
    async def scenario(session) -> None:
        listed = (await session.call_tool("list_meetings", {"query": "council"})).structured_content["meetings"]
        assert [m["meeting_id"] for m in listed] == [COUNCIL]
        turn_count = listed[0]["turn_count"]
        read, start = [], 0
        while start is not None:
            result = await session.call_tool(
                "read_transcript", {"meeting": COUNCIL, "from_turn": start, "page_turns": 5}
            )
            page = result.structured_content
            assert len(page["turns"]) <= 5 and page["turn_count"] == turn_count
            read += [turn["index"] for turn in page["turns"]]
            start = page["next_turn"]
        assert read == list(range(turn_count))
        first = (await session.call_tool("read_transcript", {"meeting": COUNCIL, "to_turn": 1})).structured_content
        assert [t["index"] for t in first["turns"]] == [0, 1] and first["next_turn"] is None
        assert first["turns"][0]["speaker"] == "Mayor Lena Ortiz" and first["turns"][0]["start"] == 4.0

        markdown = (await session.read_resource(f"onrecord://meetings/{COUNCIL}")).contents[0].text
        assert markdown.startswith("# Riverton City Council") and "**Mayor Lena Ortiz** [0:00:04]" in markdown

    over_stdio(["--data-dir", str(samples_dir)], scenario)


def test_bad_arguments_are_tool_errors_and_the_server_goes_on(samples_dir):
    async def scenario(session) -> None:
        refused = {
            "question is empty: give the question to answer": ("ask", {"question": "  "}),
            "query is empty: give the words to search for": ("search", {"query": ""}),
            "the question is 10,000 characters long": ("ask", {"question": "w" * 10_000}),
            "no speaker named 'Nobody' in the index": ("ask", {"question": "budget?", "speaker": "Nobody"}),
            "no meeting named 'nope' in the index": ("read_transcript", {"meeting": "nope"}),
            "date_from: Input should be a valid date": ("search", {"query": "lanes", "date_from": "2024-13-01"}),
            "k: Input should be less than or equal to 50": ("search", {"query": "lanes", "k": 500}),
            "no meeting named 'other' in the index": ("ask", {"question": "x?", "meetings": [COUNCIL, "other"]}),
            "no meeting named 'nowhere' in the index": ("minutes", {"meeting": "nowhere"}),
        }
        for message, (tool, arguments) in refused.items():
            result = await session.call_tool(tool, arguments)
            assert result.is_error, (tool, arguments)
            text = result.content[0].text
            assert text.startswith(message) or message in text, text
            assert "\n" not in text and "Traceback" not in text
        for meetings in ([COUNCIL], COUNCIL):  # a list of ids, or one id
            hits = (
                await session.call_tool("search", {"query": "bike lane", "k": 3, "meetings": meetings})
            ).structured_content
            assert 1 <= len(hits["hits"]) <= 3 and {h["meeting_id"] for h in hits["hits"]} == {COUNCIL}
        outline = (await session.call_tool("chapters", {"meeting": COUNCIL})).structured_content
        assert outline["meeting_id"] == COUNCIL and outline["chapters"][0]["turn_start"] == 0
        minutes = (await session.call_tool("minutes", {"meeting": COUNCIL})).structured_content
        assert minutes["meeting_id"] == COUNCIL and any("five" in d["text"].casefold() for d in minutes["decisions"])
        asked = await session.call_tool(
            "ask", {"question": "What was decided?", "meetings": [COUNCIL, "product_sync_2024-05-06"]}
        )
        cited = {c["meeting_id"] for c in asked.structured_content["citations"]}
        assert asked.structured_content["scope"] == "meetings" and cited <= {COUNCIL, "product_sync_2024-05-06"}

    over_stdio(["--data-dir", str(samples_dir)], scenario)


def test_writes_only_from_the_allowed_folders(tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("Ann: hello.\n")

    async def scenario(session) -> None:
        names = {tool.name for tool in (await session.list_tools()).tools}
        assert names == READ_TOOLS | {"ingest", "remove", "rename_speaker", "merge_speakers"}
        for given in (str(outside), str(allowed / ".." / "elsewhere.txt")):
            result = await session.call_tool("ingest", {"paths": [given]})
            assert result.is_error
            assert result.content[0].text.startswith(f"{given} is outside the folders this server may ingest from")
            assert str(allowed) in result.content[0].text
        listed = await session.call_tool("list_meetings", {})
        assert listed.structured_content == {"meetings": []}  # nothing was written

    over_stdio(["--data-dir", str(tmp_path / "store"), "--allow-writes", "--allow-dir", str(allowed)], scenario)


def test_allow_writes_needs_a_folder(tmp_path):
    run = subprocess.run(
        [str(ONRECORD), "mcp", "--data-dir", str(tmp_path), "--allow-writes"], capture_output=True, text=True
    )
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.strip() == "error: --allow-writes needs the folders ingest may read: add --allow-dir FOLDER"
