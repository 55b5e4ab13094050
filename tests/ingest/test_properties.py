"""Every parser, on any input, returns a transcript or raises the project's ParseError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ParseError
from core.models import Transcript
from ingest.formats import FORMATS, Source
from ingest.reading import decode

EXTENSIONS = [".txt", ".vtt", ".srt", ".json", ".md", ".bin"]
# Text that looks a little like each format, so that the parsers get past their first checks.
FRAGMENTS = st.sampled_from(
    [
        "WEBVTT\n\n",
        "00:00:01.000 --> 00:00:02.000\n",
        "00:00:0x,000 --> 1\n",
        "1\n",
        "\n\n",
        "Ana: hi\n",
        "  • Why?\n",
        "    • Bo: because\n",
        "[00:12] ",
        "Title: x\n",
        "Heading\n",
        '{"segments": [',
        '{"start": 1, "end": 0, "text": "a"}',
        '{"meeting_transcripts": [',
        '{"speaker": "A", "content": "{vocalsound}"}',
        "]}",
        '"topic_list": [{"topic": "t", "relevant_text_span": [["0", "9"]]}]',
        "<v Ana>",
        "Name  0:03\n",
        "(1:2:3) ",
        ". ",
        "é",
        "\x00",
        "\ufeff",
    ]
)
TEXTS = st.one_of(st.text(), st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=30).map("".join))


def check(result_of):
    try:
        result = result_of()
    except ParseError:
        return
    assert isinstance(result, Transcript)
    assert result.turns
    assert [turn.index for turn in result.turns] == list(range(len(result.turns)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, name=st.sampled_from(list(FORMATS)))
def test_each_parser_on_arbitrary_text(text, name):
    check(lambda: FORMATS[name].parse(Source(Path(f"x{FORMATS[name].extensions[0]}"), text)))


@settings(max_examples=300, deadline=None)
@given(
    raw=st.one_of(st.binary(), TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass"))), ext=st.sampled_from(EXTENSIONS)
)
def test_reading_and_detection_on_arbitrary_bytes(raw, ext):
    from ingest.parsing import parse_text

    def run():
        text, _notices = decode(f"x{ext}", raw)
        return parse_text(f"x{ext}", text)

    check(run)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["speaker", "content", "start", "end", "text", "topic", "relevant_text_span", "segments", "title"]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


ENTRIES = st.lists(
    st.fixed_dictionaries({"content": st.text(max_size=20)}, optional={"speaker": JSON_VALUES})
    | st.fixed_dictionaries({}, optional={"speaker": JSON_VALUES, "content": JSON_VALUES}),
    max_size=5,
)
TOPICS = st.lists(
    st.fixed_dictionaries({"topic": st.text(max_size=5)}, optional={"relevant_text_span": JSON_VALUES})
    | st.fixed_dictionaries({}, optional={"topic": JSON_VALUES, "relevant_text_span": JSON_VALUES}),
    max_size=3,
)
SEGMENTS = st.lists(
    st.fixed_dictionaries(
        {"text": st.text(max_size=20), "start": JSON_VALUES, "end": JSON_VALUES}, optional={"speaker": JSON_VALUES}
    )
    | st.fixed_dictionaries(
        {}, optional={"start": JSON_VALUES, "end": JSON_VALUES, "text": JSON_VALUES, "speaker": JSON_VALUES}
    ),
    max_size=5,
)


def parse_json(name: str, value: object):
    import json

    check(lambda: FORMATS[name].parse(Source(Path("x.json"), json.dumps(value))))


@settings(max_examples=400, deadline=None)
@given(
    value=st.fixed_dictionaries({"meeting_transcripts": ENTRIES}, optional={"topic_list": TOPICS | JSON_VALUES})
    | JSON_VALUES
)
def test_qmsum_parser_on_arbitrary_json_shapes(value):
    parse_json("qmsum", value)


@settings(max_examples=400, deadline=None)
@given(value=st.fixed_dictionaries({"segments": SEGMENTS}, optional={"title": JSON_VALUES}) | SEGMENTS | JSON_VALUES)
def test_whisper_parser_on_arbitrary_json_shapes(value):
    parse_json("whisper", value)
