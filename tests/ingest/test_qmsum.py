from __future__ import annotations

import json

import pytest

from ingest.formats.qmsum import MARKER
from ingest.parsing import parse_file
from tests.conftest import QMSUM

MEETINGS = sorted(QMSUM.glob("*/*.json"))


def test_all_197_meetings_are_there():
    assert len(MEETINGS) == 197


@pytest.mark.parametrize("path", MEETINGS, ids=lambda path: path.stem)
def test_meeting_parses_one_turn_per_entry_with_its_topics(path):
    data = json.loads(path.read_text())
    transcript = parse_file(path)
    entries = data["meeting_transcripts"]
    assert transcript.meeting_id == path.stem
    assert len(transcript.turns) == len(entries)
    for turn, entry in zip(transcript.turns, entries, strict=True):
        assert turn.text == entry["content"]
        assert turn.speaker == entry["speaker"]
        assert not MARKER.search(turn.clean_text)
    covering: dict[int, set[str]] = {}
    for item in data["topic_list"]:
        for first, last in item["relevant_text_span"]:
            for index in range(int(first), min(int(last), len(entries) - 1) + 1):
                covering.setdefault(index, set()).add(str(item["topic"]).strip())
    for turn in transcript.turns:
        if turn.index in covering:
            assert turn.topic in covering[turn.index]
        else:
            assert turn.topic is None


def test_topics_follow_spans_on_a_known_meeting():
    transcript = parse_file(QMSUM / "val" / "Bed002.json")
    assert transcript.turns[0].topic == "Setting up recording equipment and explaining its use"
    assert transcript.turns[90].topic == "Setting up recording equipment and explaining its use"
    assert transcript.turns[91].topic == "Description of the navigation interface and extracting useful data from it"
    assert transcript.turns[289].topic is None  # between the spans 91-288 and 291-351


def test_constituency_variants_share_a_canonical_speaker():
    committee = next(p for p in MEETINGS if "Ms. Jenny Kwan (Vancouver East, NDP)" in p.read_text())
    transcript = parse_file(committee)
    kwan = {t.speaker for t in transcript.turns if t.canonical_speaker == "Ms. Jenny Kwan"}
    assert "Ms. Jenny Kwan (Vancouver East, NDP)" in kwan
