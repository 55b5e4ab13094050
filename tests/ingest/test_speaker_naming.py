"""Naming diarized speaker labels from the transcript's words (ingest.naming)."""

from __future__ import annotations

import pytest

from ingest.naming import Evidence, Suggestion, is_label, suggest_names
from ingest.parsing import parse_text


def names_of(text: str) -> dict[str, Suggestion]:
    return suggest_names(parse_text("meeting.txt", text).turns)


def test_a_thank_you_names_the_speaker_before_it():
    suggestions = names_of(
        "SPEAKER_00: Next item is the budget. Who has the figures?\n"
        "SPEAKER_01: We are about four percent under plan for the quarter, mostly because the grant came late.\n"
        "SPEAKER_00: Thank you, Bruno. That is better than I feared.\n"
    )
    bruno = suggestions["SPEAKER_01"]
    assert bruno.name == "Bruno"
    assert bruno.evidence == (Evidence(2, "Thank you, Bruno.", "thanked"),)
    assert 0 < bruno.confidence <= 1
    assert suggestions["SPEAKER_00"].name is None  # the one who thanks is not Bruno


def test_a_self_introduction_names_its_own_speaker_in_full():
    suggestions = names_of(
        "SPEAKER_00: Welcome everyone, let's start with introductions.\n"
        "SPEAKER_01: Hi, I'm Colette Ferreira from the housing office. I look after the waiting list.\n"
        "SPEAKER_00: Great, let's begin.\n"
    )
    colette = suggestions["SPEAKER_01"]
    assert colette.name == "Colette Ferreira"
    assert [(e.turn, e.cue) for e in colette.evidence] == [(1, "introduction")]
    assert "Colette Ferreira" in colette.evidence[0].quote


def test_being_addressed_names_the_next_speaker():
    suggestions = names_of(
        "SPEAKER_00: Okay, the numbers next. Bruno, can you walk us through the numbers?\n"
        "SPEAKER_01: Sure. Revenue is flat and costs are down two percent.\n"
    )
    assert suggestions["SPEAKER_01"].name == "Bruno"
    assert suggestions["SPEAKER_01"].evidence[0].cue in ("addressed", "called on")
    assert suggestions["SPEAKER_00"].name is None


def test_a_name_mentioned_in_passing_is_never_suggested():
    suggestions = names_of(
        "SPEAKER_00: As Ines pointed out last month, the freezer is too small.\n"
        "SPEAKER_01: Kwame from procurement has a quote for a new one.\n"
        "SPEAKER_00: I spoke with Dana about it yesterday.\n"
        "SPEAKER_01: Then let's ask Kwame to send it round.\n"
        "SPEAKER_00: Agreed, and Ines will want to see it too.\n"
    )
    assert [s.name for s in suggestions.values()] == [None, None]


def test_a_transcript_without_cues_leaves_every_label_unnamed_in_order():
    suggestions = names_of(
        "Speaker 2: The water is off on the third floor again.\n"
        "Speaker 1: Since when?\n"
        "Speaker 2: Since Tuesday morning.\n"
        "Speaker 3: Same on the second floor.\n"
    )
    assert list(suggestions) == ["Speaker 2", "Speaker 1", "Speaker 3"]
    assert all(s.name is None and s.evidence == () and s.confidence == 0 for s in suggestions.values())


def test_two_people_with_one_first_name_are_not_confused():
    suggestions = names_of(
        "SPEAKER_00: Since we have two Sams, I'll use last names. Sam Reid, you're first.\n"
        "SPEAKER_01: The address form test is done; completion went up six points.\n"
        "SPEAKER_00: Good. Sam Castillo, you had the payment icons?\n"
        "SPEAKER_02: Yes, the wallet buttons confuse people without a wallet.\n"
        "SPEAKER_03: Agreed.\n"
        "SPEAKER_00: Thanks, Sam. Anything else?\n"
    )
    assert suggestions["SPEAKER_01"].name == "Sam Reid"
    assert suggestions["SPEAKER_02"].name == "Sam Castillo"
    assert suggestions["SPEAKER_03"].name is None  # a bare "Sam" could be either


def test_a_roll_call_names_who_answers_here_and_keeps_the_title():
    called = "Councillor Fenwick. Councillor Fenwick sent her apologies. Councillor Moss."  # Fenwick is absent
    lines = ["SPEAKER_00: Councillor Adeyemi.", "SPEAKER_01: Here.", f"SPEAKER_00: {called}", "SPEAKER_02: Present."]
    named = {label: (s.name, [e.cue for e in s.evidence]) for label, s in names_of("\n".join(lines)).items()}
    assert named == {
        "SPEAKER_00": (None, []),
        "SPEAKER_01": ("Councillor Adeyemi", ["roll call"]),
        "SPEAKER_02": ("Councillor Moss", ["roll call"]),
    }


def test_conflicting_cues_leave_a_label_unnamed():
    suggestions = names_of(
        "SPEAKER_00: Bruno, can you take the first item?\n"
        "SPEAKER_01: The first item is the lease, which runs out in June.\n"
        "SPEAKER_00: Thanks, Wes. Next item.\n"
    )
    assert suggestions["SPEAKER_01"].name is None


@pytest.mark.parametrize("name", ["فاطمة الزهراء", "王芳"])
def test_names_in_other_scripts_are_kept_as_written(name):
    suggestions = names_of(
        f"SPEAKER_00: Good morning. I'm {name}, from the planning office.\nSPEAKER_01: Welcome, glad you came.\n"
    )
    assert suggestions["SPEAKER_00"].name == name


@pytest.mark.parametrize(
    "speaker", ["SPEAKER_00", "Speaker 1", "spk_2", "3", "Unknown", "Speaker A", "S1", "speaker_12", "Unknown Speaker"]
)
def test_diarizer_labels_are_labels(speaker):
    assert is_label(speaker)


@pytest.mark.parametrize("speaker", ["Helen Marsh", "Councillor Reyes", "Sam", "Anne/Risker", "Speakers Corner", None])
def test_names_are_not_labels(speaker):
    assert not is_label(speaker)


def test_the_fullest_form_the_meeting_gives_is_kept():
    suggestions = names_of(
        "SPEAKER_00: Councillor Ana Reyes chaired the working group on this. Councillor Reyes, you have the floor.\n"
        "SPEAKER_01: Thanks. The group met three times and recommends the fee.\n"
    )
    assert suggestions["SPEAKER_01"].name == "Ana Reyes"
    assert suggestions["SPEAKER_01"].evidence == (Evidence(0, "Councillor Reyes, you have the floor.", "called on"),)


def test_a_speaker_the_transcript_already_names_is_no_label_s_name():
    suggestions = names_of(
        "Helen Marsh: Next is the ferry contract.\n"
        "SPEAKER_01: Helen, can you say where the tender stands?\n"
        "SPEAKER_02: We have three bids; the cheapest is from Northline.\n"
        "Helen Marsh: Thanks. Priya, can you add the costs?\n"
        "SPEAKER_01: The costs are in the appendix, on page four.\n"
    )
    assert suggestions["SPEAKER_02"].name is None  # Helen Marsh speaks under her own name
    assert suggestions["SPEAKER_01"].name == "Priya"


def test_a_round_of_names_names_each_who_gives_theirs():
    suggestions = names_of(
        "SPEAKER_00: Let's go around so our guest knows who's who. Just your name and unit.\n"
        "SPEAKER_01: Tunde, 2A. I've been here eleven years.\n"
        "SPEAKER_02: I'd rather not give my name, if that's okay.\n"
        "SPEAKER_00: That's fine.\n"
        "SPEAKER_03: Hélène Roy, 5C.\n"
    )
    assert [s.name for s in suggestions.values()] == [None, "Tunde", None, "Hélène Roy"]


def test_a_question_put_to_a_name_names_the_next_speaker_but_an_adverb_is_no_name():
    suggestions = names_of(
        "SPEAKER_00: Thanks. Wes, what about the login rate limiting?\n"
        "SPEAKER_01: Done and deployed, five attempts per minute.\n"
        "SPEAKER_00: Specifically, why did the rollout take a week?\n"
        "SPEAKER_02: Because staging was down.\n"
    )
    assert [s.name for s in suggestions.values()] == [None, "Wes", None]
