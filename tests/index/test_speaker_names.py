"""Speaker names given to a meeting's labels are kept beside the store and applied when the catalog is
read: a rename embeds nothing, every view (search, filter, turns, chapters, minutes, citations, a
library opened afresh) shows the name at once, and ingesting the file again keeps it."""

from __future__ import annotations

import json
import shutil

import pytest

from core.errors import QueryError
from core.models import Filters
from tests.answer.test_question_read_once import CountingEmbedder
from tests.conftest import DATA

HARBOUR = DATA / "speakers_harbour_committee.json"  # SPEAKER_00..03, diarized
FOLLOWUP = DATA / "speakers_ferry_followup.txt"  # "Chair Helen Marsh", "Ines Alvarez"
MEETING = "speakers_harbour_committee"


@pytest.fixture
def counted(tmp_path, settings_for, embedder):
    from library import Library

    counting = CountingEmbedder(embedder)
    library = Library(settings_for(tmp_path / "data"), counting)
    files = tmp_path / "files"  # copies: a test changes one
    files.mkdir()
    for source in (HARBOUR, FOLLOWUP):
        shutil.copy(source, files / source.name)
    assert [r.status for r in library.ingest([files / HARBOUR.name, files / FOLLOWUP.name])] == ["added", "added"]
    counting.texts.clear()
    return library, counting


def test_a_rename_embeds_nothing_and_every_view_shows_the_name(counted, settings_for, tmp_path):
    from library import Library

    library, counting = counted
    library.rename_speakers(MEETING, {"SPEAKER_00": "Helen Marsh", "speaker_02": "Bruno Salgado"})
    assert counting.texts == []  # no chunk embedded again
    assert library.meeting(MEETING).speakers == ("Helen Marsh", "SPEAKER_01", "Bruno Salgado", "SPEAKER_03")
    turns = library.turns(MEETING)
    assert [turn.speaker for turn in turns][:4] == ["Helen Marsh", "SPEAKER_01", "Helen Marsh", "Bruno Salgado"]
    hits = library.search("fuel surcharge", 5, Filters(speaker="Bruno Salgado"))
    assert hits and all("Bruno Salgado" in hit.chunk.speakers for hit in hits)
    assert all("SPEAKER_02" not in hit.chunk.text and "SPEAKER_00" not in hit.chunk.text for hit in hits)
    assert "Bruno Salgado: " in "\n".join(hit.chunk.text for hit in hits)
    by_words = library.search("Salgado", 3, mode="keyword")  # the renamed chunks' words tokenized again
    assert by_words and by_words[0].chunk.meeting_id == MEETING and by_words[0].score > 0
    view = library.view(MEETING)
    assert "Helen Marsh" in {name for chapter in view.chapters for name in chapter.speakers}
    assert "Helen Marsh" in dict(view.minutes.speakers)
    answer = library.ask("What did Bruno Salgado say about the fuel surcharge?")
    assert any("Bruno Salgado" in citation.speakers for citation in answer.citations), answer.text
    assert "Helen Marsh" in {record.meeting.speakers[0] for record in library.records()}
    fresh = Library(settings_for(tmp_path / "data"), counting)  # another process: from the snapshot alone
    assert fresh.meeting(MEETING).speakers[0] == "Helen Marsh"
    assert fresh.search("surcharge", 3, Filters(speaker="bruno salgado"))
    asked = len(counting.texts)
    library.reset_speakers(MEETING)
    assert len(counting.texts) == asked  # going back embeds nothing either
    assert library.meeting(MEETING).speakers == ("SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_03")
    openings = {hit.chunk.text.split(":")[0] for hit in library.search("ferry contract", 9, Filters.within(MEETING))}
    assert openings <= {"SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_03"}
    assert Library(settings_for(tmp_path / "data"), counting).turns(MEETING)[0].speaker == "SPEAKER_00"
    with pytest.raises(QueryError, match="no speaker named 'Bruno Salgado'"):
        library.search("surcharge", 3, Filters(speaker="Bruno Salgado"))


def test_ingesting_the_file_again_keeps_the_names(counted, tmp_path):
    library, counting = counted
    library.rename_speakers(MEETING, {"SPEAKER_02": "Bruno Salgado"})
    changed = tmp_path / "files" / HARBOUR.name
    assert library.ingest([changed])[0].status == "unchanged"
    assert library.meeting(MEETING).speakers[2] == "Bruno Salgado"
    transcript = json.loads(changed.read_text())  # the same meeting, one more turn
    said = {"id": 9, "start": 60.0, "end": 64.0, "text": " One more word on the pier lights.", "speaker": "SPEAKER_02"}
    changed.write_text(json.dumps({**transcript, "segments": [*transcript["segments"], said]}))
    result = library.ingest([changed])[0]
    assert result.status == "updated", result.message
    assert library.meeting(MEETING).speakers[2] == "Bruno Salgado"
    assert library.turns(MEETING)[-1].speaker == "Bruno Salgado"
    assert library.search("pier lights", 3, Filters(speaker="Bruno Salgado"))
    assert result.embedded == 1 < result.chunks  # only the chunk that changed: the store keeps the file's labels
    assert not any(text.startswith(("SPEAKER_00: Good evening", "Bruno Salgado")) for text in counting.texts)


def test_a_merge_is_one_person_in_the_filter_the_shares_and_questions(counted):
    library, counting = counted
    library.rename_speakers(MEETING, {"SPEAKER_00": "Helen Marsh"})
    assert library.merge_speakers(["Helen Marsh", "chair helen marsh"]) == "Helen Marsh"
    assert counting.texts == []
    speakers = set(library.catalog.speakers.values())
    assert "Helen Marsh" in speakers and "Chair Helen Marsh" not in speakers
    for name in ("Helen Marsh", "Chair Helen Marsh"):  # the person, or a name merged into theirs
        found = {hit.chunk.meeting_id for hit in library.search("ferry", 10, Filters(speaker=name))}
        assert found == {MEETING, "speakers_ferry_followup"}
    assert dict(library.minutes("speakers_ferry_followup").speakers)["Helen Marsh"] > 0.5
    person = library.person("Chair Helen Marsh")
    assert person.name == "Helen Marsh" and person.names == ("Chair Helen Marsh",)
    assert {m.meeting.meeting_id for m in person.meetings} == {MEETING, "speakers_ferry_followup"}
    assert all(0 < m.share <= 1 and m.topics for m in person.meetings)
    assert library.speakers(MEETING).speakers[0].name == "Helen Marsh"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda lib: lib.rename_speakers(MEETING, {"SPEAKER_00": "  "}), "cannot be empty"),
        (lambda lib: lib.rename_speakers(MEETING, {"SPEAKER_00": "x" * 500}), "500 characters is longer"),
        (lambda lib: lib.rename_speakers(MEETING, {"SPEAKER_09": "Ana"}), "no speaker labelled 'SPEAKER_09'"),
        (lambda lib: lib.rename_speakers("no_such_meeting", {"SPEAKER_00": "Ana"}), "no meeting named"),
        (lambda lib: lib.merge_speakers(["Ines Alvarez", "ines alvarez"]), "already one person"),
        (lambda lib: lib.merge_speakers(["Ines Alvarez", "Nobody Known"]), "no speaker named 'Nobody Known'"),
        (lambda lib: lib.reset_speakers("no_such_meeting"), "no meeting named"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(counted, change, message):
    library, counting = counted
    library.rename_speakers(MEETING, {"SPEAKER_01": "Ana Souza"})
    names, key = library.speaker_names(), library.catalog.key
    with pytest.raises(QueryError, match=message) as raised:
        change(library)
    assert "\n" not in str(raised.value)
    assert library.speaker_names() == names and library.catalog.key == key
    assert counting.texts == []


def test_names_in_other_scripts_are_kept_as_written(counted):
    library, _ = counted
    library.rename_speakers(MEETING, {"SPEAKER_00": "هيلين مارش", "SPEAKER_01": "王小明"})
    assert library.meeting(MEETING).speakers[:2] == ("هيلين مارش", "王小明")
    assert library.search("ferry", 3, Filters(speaker="王小明"))
