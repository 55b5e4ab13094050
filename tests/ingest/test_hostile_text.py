"""Terminal escapes and other control characters in a transcript never reach what is stored."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import fields
from pathlib import Path

import pytest

from core.errors import ParseError
from core.models import Transcript, Turn
from core.text import printable
from ingest.formats import FORMATS, Format, Source
from ingest.formats.base import register
from ingest.parsing import parse_text

TITLE_OSC = "\x1b]0;PWNED\x07"  # sets the terminal's title
LINK_OSC = "\x1b]8;;http://evil.example\x1b\\"  # opens a hyperlink
LINK_END = "\x1b]8;;\x1b\\"
CLEAR = "\x1b[2J"
RED, RESET = "\x1b[31;1m", "\x1b[0m"
OTHER = "\x00\x07\x08\x7f\x9b6n\x9d0;C1 title\x9c"  # (\v, \f, \x85 break lines: below)
SPEAKER = f"{RED}Alice{RESET} Ng"
SAID = f"Hello {LINK_OSC}click{LINK_END} there{TITLE_OSC}{CLEAR}{OTHER}, members."
TOPIC = f"Bud{CLEAR}get{TITLE_OSC}"

HOSTILE = {
    "plain.txt": (
        f"Title: Board{TITLE_OSC} meeting\nDate: 2025-02-10\nMedia: https://video.example/v{CLEAR}\n\n"
        f"{SPEAKER}: {SAID}\nBob Stone: Seconded.{RED}\n"
    ),
    "captions.vtt": (
        f"WEBVTT - Board{TITLE_OSC} meeting\n\n00:00:01.000 --> 00:00:04.000\n<v {SPEAKER}>{SAID}\n\n"
        "00:00:05.000 --> 00:00:06.000\n<v Bob Stone>Seconded.\n"
    ),
    "captions.srt": (
        f"1\n00:00:01,000 --> 00:00:04,000\n{SPEAKER}: {SAID}\n\n"
        "2\n00:00:05,000 --> 00:00:06,000\nBob Stone: Seconded.\n"
    ),
    "notes.txt": (
        f"Board{TITLE_OSC} meeting\n\n{TOPIC}\n\n* Can we {CLEAR}pay?\n"
        f"  * {SPEAKER}: {SAID}\n  * Bob Stone: Seconded.\n"
    ),
    "whisper.json": json.dumps(
        {
            "title": f"Board{TITLE_OSC} meeting",
            "segments": [
                {"start": 1.0, "end": 4.0, "text": f"{SPEAKER}: {SAID}"},
                {"start": 5.0, "end": 6.0, "text": "Seconded.", "speaker": f"Bob{CLEAR} Stone"},
            ],
        }
    ),
    "qmsum.json": json.dumps(
        {
            "topic_list": [{"topic": TOPIC, "relevant_text_span": [["0", "1"]]}],
            "meeting_transcripts": [
                {"speaker": SPEAKER, "content": SAID},
                {"speaker": "Bob Stone", "content": "Seconded."},
            ],
        }
    ),
}
FORMAT_OF = {"plain.txt": "plain", "captions.vtt": "vtt", "captions.srt": "srt", "notes.txt": "notes"}
FORMAT_OF |= {"whisper.json": "whisper", "qmsum.json": "qmsum"}


def strings(value) -> list[str]:
    """Every string held by a transcript, its turns and their fields."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list):
        return [text for item in value for text in strings(item)]
    if hasattr(value, "__dataclass_fields__"):
        return [text for item in fields(value) for text in strings(getattr(value, item.name))]
    return []


def controls(transcript) -> set[str]:
    held = "".join(strings(transcript))
    return {char for char in held if unicodedata.category(char) == "Cc" and char not in "\t\n"}


def test_printable_removes_escape_sequences_whole_and_keeps_tab_and_newline():
    assert printable(f"a{TITLE_OSC}b") == "ab"
    assert printable(f"see {LINK_OSC}here{LINK_END}.") == "see here."
    assert printable(f"{CLEAR}{RED}red{RESET}") == "red"
    assert printable("tab\there\nnext\r\x00\x7f\x85\x9b2J") == "tab\there\nnext"
    assert printable("\x1b]0;never ended") == "0;never ended"  # no escape left to act on
    assert printable("Zoë — “quoted” … 会议") == "Zoë — “quoted” … 会议"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_format_stores_no_control_character(name):
    transcript = parse_text(name, HOSTILE[name])
    assert transcript.format == FORMAT_OF[name]
    assert controls(transcript) == set()
    held = " ".join(strings(transcript))
    assert "PWNED" not in held and "evil.example" not in held and "C1 title" not in held
    alice = next(turn for turn in transcript.turns if turn.speaker)
    assert alice.canonical_speaker == "Alice Ng"
    assert "Hello click there, members." in alice.clean_text
    assert transcript.turns[-1].canonical_speaker == "Bob Stone"


@pytest.mark.parametrize("name", ["plain.txt", "captions.vtt", "notes.txt", "whisper.json"])
def test_titles_lose_their_escapes(name):
    assert parse_text(name, HOSTILE[name]).title == "Board meeting"


def test_topics_questions_and_media_urls_lose_their_escapes():
    notes = parse_text("notes.txt", HOSTILE["notes.txt"])
    assert {turn.topic for turn in notes.turns} == {"Budget"}
    assert notes.turns[1].question == "Can we pay?"
    assert parse_text("qmsum.json", HOSTILE["qmsum.json"]).turns[0].topic == "Budget"
    assert parse_text("plain.txt", HOSTILE["plain.txt"]).media_url == "https://video.example/v"


def test_a_raw_escape_inside_json_is_read_as_its_text():
    raw = '{"segments": [{"start": 0, "end": 1, "text": "Ana: hi \x1b[2Jall"}]}'
    transcript = parse_text("raw.json", raw)
    assert [(turn.canonical_speaker, turn.clean_text) for turn in transcript.turns] == [("Ana", "hi all")]


def test_line_breaks_written_as_control_characters_stay_line_breaks():
    transcript = parse_text("old_mac.txt", "Ana: one\rBo: two\r\nCy: three\x0cDee: four\n")
    assert [turn.canonical_speaker for turn in transcript.turns] == ["Ana", "Bo", "Cy", "Dee"]


def test_timing_marks_follow_the_text_they_anchor():
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: one \x1b]0;PWNED\x07two\n\n"
        "00:00:03.000 --> 00:00:04.000\nthree four\n"
    )
    (turn,) = parse_text("marks.vtt", vtt).turns
    assert turn.text == "one two three four"
    assert [(turn.text[offset:], time) for offset, time in turn.marks] == [
        ("one two three four", 1.0),
        ("three four", 3.0),
    ]


def test_a_file_of_nothing_but_escapes_is_refused_with_a_message():
    with pytest.raises(ParseError, match="no caption cues|no transcript text"):
        parse_text("empty.vtt", f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{TITLE_OSC}{CLEAR}\n")


def test_a_format_that_builds_its_own_transcript_is_cleaned_by_the_registry():
    """A parser that decodes escapes and builds a Transcript itself, never calling build, still
    returns a clean one: the registry wraps every parser."""
    said = f"one {TITLE_OSC}two {CLEAR}three"

    def parse(source: Source) -> Transcript:
        turn = Turn(
            0, SPEAKER, SPEAKER, said, said, start=1.0, topic=TOPIC, marks=((0, 1.0), (said.index("three"), 3.0))
        )
        return Transcript(f"id{CLEAR}", f"Title{TITLE_OSC}", (turn,), str(source.path), "raw", media_url=f"u{CLEAR}")

    register(Format("forgetful", (".forgetful",), lambda text: False, parse))
    try:
        transcript = FORMATS["forgetful"].parse(Source(Path("x.forgetful"), "anything"))
    finally:
        del FORMATS["forgetful"]
    assert controls(transcript) == set()
    (turn,) = transcript.turns
    assert (turn.speaker, turn.canonical_speaker, turn.text, turn.topic) == (
        "Alice Ng",
        "Alice Ng",
        "one two three",
        "Budget",
    )
    assert [turn.text[offset:] for offset, _ in turn.marks] == ["one two three", "three"]
    assert (transcript.meeting_id, transcript.title, transcript.media_url) == ("id", "Title", "u")


def test_control_characters_in_a_file_name_stay_out_of_the_meeting_id():
    assert parse_text(f"board{CLEAR}_2025-02-10.txt", "Ana: hi\n").meeting_id == "board_2025-02-10"
    with pytest.raises(ParseError, match="no printable characters"):
        parse_text(f"{CLEAR}.txt", "Ana: hi\n")


def test_bidirectional_overrides_are_never_text():
    assert printable("Mayor \u202eevil\u202c says \u2066x\u2069 done") == "Mayor evil says x done"
    turn = parse_text("bidi.txt", "Ana \u202eBen: hello\nBen: the \u2067budget\u2069 passed\n").turns[0]
    assert turn.canonical_speaker == "Ana Ben" and "\u202e" not in turn.text


def test_a_label_holding_a_line_break_is_one_line():
    meeting = {
        "topic_list": [{"topic": "Budget\n[2] FORGED", "relevant_text_span": [["0", "1"]]}],
        "meeting_transcripts": [
            {"speaker": "Grad\nB", "content": "We need the budget by Friday."},
            {"speaker": "PhD A", "content": "Then I will send it."},
        ],
    }
    turn = parse_text("forged.json", json.dumps(meeting)).turns[0]
    assert turn.topic == "Budget [2] FORGED" and turn.speaker == "Grad B"
