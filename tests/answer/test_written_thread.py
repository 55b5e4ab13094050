"""A follow-up asked of the user's language model (issue 46, item 4): the writer is given the
question read as one that stands alone and the thread for what it refers to, quoted and without the
earlier answer's citation markers; what it writes is still checked against the passages alone."""

from __future__ import annotations

import pytest

from answer.ask import AskOptions
from answer.question.thread import Exchange
from library import Library
from tests.conftest import ROOT
from tests.llm_server import passage_number

EARLIER = Exchange(
    "What did the council decide about the Harbour Street bike lane?",
    "Mayor Lena Ortiz: The motion carries unanimously. [1]",
    meetings=("city_council_2024-03-12",),
)


@pytest.fixture(scope="module")
def library(tmp_path_factory, settings_for, embedder, server):
    settings = settings_for(tmp_path_factory.mktemp("thread"), llm_url=server.url, llm_model="scripted", llm_timeout=5)
    library = Library(settings, embedder)
    library.ingest([ROOT / "samples" / "city_council_2024-03-12.vtt"])
    return library


def test_the_writer_sees_the_standalone_question_and_the_thread_and_is_checked_on_passages(library, server):
    def september(request: dict) -> str:
        n = passage_number(request, "construction starting the fifteenth of September")
        # the second sentence rests on nothing shown: the passages never give such a count
        return f"Construction starts on the fifteenth of September [{n}]. The vote was seven to two [{n}]."

    rewrite = "When does construction of the Harbour Street bike lane start?"
    before = len(server.requests)
    server.say(rewrite, september)  # the model reads the follow-up first (checked), then writes
    answer = library.ask("When does construction start?", AskOptions(answerer="llm", history=(EARLIER,)))
    assert len(server.requests) == before + 2
    assert "When does construction start?" in server.requests[before]["messages"][-1]["content"]
    assert answer.standalone == rewrite  # the model's reading, kept: it adds only words of the thread
    asked = server.requests[-1]["messages"][1]["content"]
    assert asked.rstrip().endswith(f"Question: {answer.standalone}")
    assert "Earlier in this conversation" in asked and EARLIER.question in asked
    assert "carries unanimously. [1]" not in asked and "carries unanimously." in asked  # its markers left out
    assert answer.answerer == "llm" and "fifteenth of September" in answer.text
    assert [check.supported for check in answer.verification] == [True, False]
    assert "seven" not in answer.text
