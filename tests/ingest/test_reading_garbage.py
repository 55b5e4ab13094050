"""Reading bytes as text (ingest.reading.decode): a stray byte does not garble a UTF-8 file, UTF-32
is read as such, and what is not a transcript (one byte, a PDF, a Word file) is refused by name."""

from __future__ import annotations

import codecs

import pytest

from core.errors import ParseError
from ingest.parsing import parse_file
from tests.conftest import DATA

ACCENTED = "Zoë Müller: The café opens at nine.\nRenée Dupont: Naïve question: who pays the crème brûlée?\n"


def test_one_stray_byte_leaves_the_rest_utf8_with_a_notice(tmp_path):
    path = tmp_path / "stray.txt"
    path.write_bytes(ACCENTED.encode() + b"Zo\xc3\xab M\xc3\xbcller: Agreed \xff then.\n")
    transcript = parse_file(path)
    assert [turn.canonical_speaker for turn in transcript.turns] == ["Zoë Müller", "Renée Dupont", "Zoë Müller"]
    assert transcript.turns[0].text == "The café opens at nine."
    assert transcript.turns[2].text == "Agreed \ufffd then."
    assert transcript.warnings[0] == (
        f"{path}: 1 byte not UTF-8 (the first on line 3) replaced with \ufffd; the rest read as UTF-8. "
        "Save the file as UTF-8 if anything is missing."
    )


def test_a_legacy_file_is_still_read_as_its_encoding():
    transcript = parse_file(DATA / "cp1252.txt")
    assert transcript.turns[0].canonical_speaker == "Renée Dupont"
    assert transcript.warnings[0].endswith("read as cp1252. Save the file as UTF-8 if any characters look wrong.")


def test_a_refusal_quotes_the_file_as_written_not_mojibake(tmp_path):
    path = tmp_path / "broken.vtt"
    path.write_bytes(b"WEBVTT\n\n00:00:01.000 --> Zo\xc3\xab\nhello \xff there\n")
    with pytest.raises(ParseError) as raised:
        parse_file(path)
    assert "broken cue timing '00:00:01.000 --> Zoë'" in str(raised.value)
    assert "Ã" not in str(raised.value)


@pytest.mark.parametrize("bom", [codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE])
def test_utf32_with_its_bom_is_read_as_utf32(tmp_path, bom):
    encoding = "utf-32-le" if bom == codecs.BOM_UTF32_LE else "utf-32-be"
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + ACCENTED.encode(encoding))
    transcript = parse_file(path)
    assert [turn.canonical_speaker for turn in transcript.turns] == ["Zoë Müller", "Renée Dupont"]
    assert transcript.turns[0].text == "The café opens at nine."


NOT_TRANSCRIPTS = {
    "one.txt": (b"x", "no readable words in this file (give a transcript"),
    "marks.txt": (b"?? -- 12:00 ... 7", "no readable words in this file"),
    "report.txt": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "this is a PDF, not a transcript"),
    "minutes.txt": (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "this is a Word document or zip"),
    "old.txt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "this is an old Word or Office"),
    "notes.txt": (b"{\\rtf1\\ansi Ann: hello there}", "this is a rich text (RTF) document"),
}


def test_what_is_not_a_transcript_is_refused_by_name(tmp_path):
    for name, (content, problem) in NOT_TRANSCRIPTS.items():
        (tmp_path / name).write_bytes(content)
        refusal = ""
        try:
            parse_file(tmp_path / name)
        except ParseError as error:
            refusal = str(error)
        assert refusal.startswith(f"{tmp_path / name}: {problem}") and "\n" not in refusal, (name, refusal)
