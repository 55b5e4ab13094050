"""What one person has said about a subject, across meetings (issue 45): a timeline of their own
turns in each meeting they spoke in, under the name given to them, one person though merged from two."""

from __future__ import annotations

import pytest

from library import Library
from tests.conftest import DATA

FILES = [DATA / "speakers_harbour_committee.json", DATA / "speakers_ferry_followup.txt"]


@pytest.fixture(scope="module")
def library(tmp_path_factory, settings_for, embedder):
    library = Library(settings_for(tmp_path_factory.mktemp("person")), embedder)
    library.ingest(FILES)
    library.accept_speakers("speakers_harbour_committee")  # SPEAKER_00 introduces herself as Helen Marsh
    library.merge_speakers(["Helen Marsh", "Chair Helen Marsh"])
    return library


def test_what_a_person_has_said_is_a_timeline_of_their_turns_across_meetings(library):
    answer = library.ask("What has Helen Marsh said about the ferry contract?")
    assert answer.scope == "meetings" and not answer.abstained
    assert {m.meeting_id for m in answer.meetings} == {"speakers_harbour_committee", "speakers_ferry_followup"}
    assert {speaker for citation in answer.citations for speaker in citation.speakers} == {"Helen Marsh"}


def test_a_timeline_of_one_speaker_leaves_out_what_others_decided(library):
    answer = library.ask("What has Bruno said about the ferry?")
    assert not answer.abstained and answer.citations
    assert {speaker for citation in answer.citations for speaker in citation.speakers} == {"Bruno"}
