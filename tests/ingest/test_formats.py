from __future__ import annotations

import json

import pytest

from core.errors import ParseError
from ingest.formats import FORMATS
from ingest.parsing import parse_file, parse_paths, parse_text
from tests.conftest import DATA


def speakers_and_texts(transcript):
    return [(turn.canonical_speaker, turn.clean_text) for turn in transcript.turns]


def test_every_format_has_a_fixture_that_detects_as_it():
    fixtures = {
        "notes": "notes.txt",
        "plain": "plain.txt",
        "vtt": "captions.vtt",
        "srt": "captions.srt",
        "whisper": "whisper.json",
        "qmsum": "qmsum_tiny.json",
    }
    assert set(fixtures) == set(FORMATS)
    for name, file in fixtures.items():
        assert parse_file(DATA / file).format == name


def test_notes_keep_questions_topics_and_roles():
    transcript = parse_file(DATA / "notes.txt")
    assert transcript.title == "Community call 2024-05-02"
    assert transcript.date.isoformat() == "2024-05-02"
    food = [t for t in transcript.turns if t.question == "Can a grant pay for food at an event?"]
    assert [t.canonical_speaker for t in food] == [None, "Dana Okafor", "Priya Raman"]
    assert food[0].is_question and all(t.topic == "Grants" for t in food)
    assert food[2].speaker == "Priya Raman(grants committee)"


def test_plain_with_timestamps_header_and_continuation_lines():
    transcript = parse_file(DATA / "plain.txt")
    assert transcript.title == "Library board meeting"
    assert transcript.date.isoformat() == "2024-06-11"
    assert transcript.media_url == "https://www.youtube.com/watch?v=abc123XYZ00"
    assert [t.canonical_speaker for t in transcript.turns] == [
        "Chair Amy Lin",
        "Tom Becker",
        "Chair Amy Lin",
        "Tom Becker",
    ]
    assert [t.start for t in transcript.turns] == [5, 12, 100, 135]
    assert transcript.turns[1].end == 100
    assert "most people asked for Saturday afternoons" in transcript.turns[1].clean_text


def test_plain_export_layout_with_name_and_time_above_the_text():
    transcript = parse_file(DATA / "export.txt")
    assert speakers_and_texts(transcript) == [
        ("Maya Chen", "Welcome everyone to the design review."),
        ("Jonas Weber", "Thanks. I have the new onboarding screens to show. They cut two steps from sign-up."),
        ("Maya Chen", "Great, what did the usability test say?"),
    ]
    assert [t.start for t in transcript.turns] == [3, 41, 135]


@pytest.mark.parametrize(
    "line, speaker, start",
    [
        ("[00:12:34] Ana: hello", "Ana", 754),
        ("00:12:34 Ana: hello", "Ana", 754),
        ("(12:34) Ana: hello", "Ana", 754),
        ("Ana (12:34): hello", "Ana", 754),
        ("Ana: hello", "Ana", None),
    ],
)
def test_plain_timestamp_styles(line, speaker, start):
    transcript = parse_text("t.txt", f"{line}\nBo: bye\n")
    assert transcript.turns[0].canonical_speaker == speaker
    assert transcript.turns[0].start == start
    assert transcript.turns[0].clean_text == "hello"


def test_vtt_merges_consecutive_cues_of_one_speaker_and_strips_markup():
    transcript = parse_file(DATA / "captions.vtt")
    assert transcript.title == "Science podcast episode 12"
    assert [t.canonical_speaker for t in transcript.turns] == ["Roger Bingham", "Neil Tyson", "Roger Bingham"]
    first = transcript.turns[0]
    assert (first.start, first.end) == (1.0, 6.5)
    assert first.clean_text.endswith("but so does the sun.")
    assert transcript.turns[1].clean_text == "And when both line up, spring tides are the result."
    assert transcript.turns[2].clean_text == "So spring tides have nothing to do with spring?"


def test_vtt_keeps_non_caption_markup_as_text():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nEve: look <script>alert(1)</script> here\n"
    assert parse_text("x.vtt", text).turns[0].clean_text == "look <script>alert(1)</script> here"


def test_srt_speakers_carry_over_unlabelled_cues():
    transcript = parse_file(DATA / "captions.srt")
    assert [t.canonical_speaker for t in transcript.turns] == ["Ines Duarte", "Marek Novak", "Ines Duarte"]
    assert (transcript.turns[0].start, transcript.turns[0].end) == (1.0, 6.0)
    assert "bike lane on Harbour Street" in transcript.turns[0].clean_text


def test_whisper_segments_merge_by_speaker():
    transcript = parse_file(DATA / "whisper.json")
    assert [(t.canonical_speaker, t.start, t.end) for t in transcript.turns] == [
        ("SPEAKER_00", 0.0, 4.9),
        ("SPEAKER_01", 5.2, 7.8),
    ]


def test_whisper_without_speakers_groups_segments_into_turns():
    segments = [{"start": i * 3.0, "end": i * 3.0 + 2.5, "text": f"Sentence number {i} is here."} for i in range(40)]
    transcript = parse_text("w.json", json.dumps({"segments": segments}))
    assert 1 < len(transcript.turns) < 40
    assert all(t.speaker is None for t in transcript.turns)
    assert sum(len(t.clean_text.split()) for t in transcript.turns) == 40 * 5


def test_qmsum_markers_stay_out_of_indexed_text_but_raw_text_is_kept():
    transcript = parse_file(DATA / "qmsum_tiny.json")
    assert transcript.turns[1].text == "I think we want fewer buttons {vocalsound} and a scroll wheel ."
    assert transcript.turns[1].clean_text == "I think we want fewer buttons and a scroll wheel ."
    assert transcript.turns[2].clean_text == ""  # markers only: kept as a turn, nothing to index
    assert [t.topic for t in transcript.turns] == ["Remote control design"] * 3 + ["Budget"] * 2


def test_cp1252_file_is_read_with_a_notice():
    transcript = parse_file(DATA / "cp1252.txt")
    assert transcript.title == "Café meeting"
    assert transcript.turns[0].canonical_speaker == "Renée Dupont"
    assert "crème brûlée – everyone" in transcript.turns[0].clean_text
    assert any("not UTF-8" in warning for warning in transcript.warnings)


def test_meeting_id_is_the_file_name_without_extension():
    assert parse_file(DATA / "captions.srt").meeting_id == "captions"


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("empty.txt", b"", "empty"),
        ("blank.vtt", b"   \n\n", "empty"),
        ("image.txt", bytes(range(256)) * 4, "binary"),
        ("bad.json", b'{"segments": [', "invalid JSON"),
        ("shape.json", b'{"hello": 1}', "JSON of a shape"),
        ("shape2.json", b'{"segments": [{"start": 0}]}', "no 'text'"),
        ("nocues.vtt", b"WEBVTT\n\nhello there\n", "timing line"),
        ("notvtt.vtt", b"hello\n\n00:01.000 --> 00:02.000\nhi\n", "WEBVTT"),
        ("backwards.srt", b"1\n00:00:05,000 --> 00:00:01,000\nhi\n", "before it starts"),
        ("mystery.xyz", b"\x01\x02 just some bytes", "binary"),
        ("mystery2.xyz", b"no speakers and no format here", "unknown transcript format"),
    ],
)
def test_bad_input_raises_a_parse_error_naming_the_file(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ParseError) as raised:
        parse_file(path)
    assert expected in str(raised.value)
    assert name in str(raised.value)


def test_broken_caption_timing_names_its_line():
    with pytest.raises(ParseError) as raised:
        parse_file(DATA / "broken.vtt")
    assert raised.value.line == 6
    assert "broken.vtt:6" in str(raised.value)


def test_unknown_forced_format_lists_the_known_ones():
    with pytest.raises(ParseError, match="one of: vtt, srt"):
        parse_file(DATA / "plain.txt", fmt="docx")


def test_a_folder_yields_good_transcripts_and_lists_bad_files(tmp_path):
    (tmp_path / "good.vtt").write_text((DATA / "captions.vtt").read_text())
    (tmp_path / "empty.srt").write_text("")
    (tmp_path / "README.md").write_text("not a transcript")
    results = list(parse_paths([tmp_path]))
    names = sorted(type(result).__name__ for result in results)
    assert names == ["Failure", "Transcript"]
    failure = next(r for r in results if type(r).__name__ == "Failure")
    assert "empty.srt" in failure.message
