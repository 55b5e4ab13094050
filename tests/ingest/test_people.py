"""One person behind several speaker names (ingest.people)."""

from __future__ import annotations

import pytest

from ingest.people import Merge, mentions, person_of, same_people


@pytest.mark.parametrize(
    ("name", "person"),
    [
        ("Chair Helen Marsh (Harbour Ward)", "Helen Marsh"),
        ("Councillor Marsh", "Marsh"),
        ("Dr. Astrid Solberg", "Astrid Solberg"),
        ("Helen Marsh, Chair", "Helen Marsh"),
        ("Madam Mayor", "Madam Mayor"),  # all titles: nothing to take away
        ("  Helen   Marsh ", "Helen Marsh"),
        ("د. فاطمة الزهراء", "د. فاطمة الزهراء"),
    ],
)
def test_person_of_takes_titles_and_roles_away(name, person):
    assert person_of(name) == person


def test_same_people_merges_a_title_a_full_name_and_a_titled_surname():
    merges = same_people(["Chair Helen Marsh", "Helen Marsh", "Councillor Marsh", "Tom Ng"])
    assert merges == [
        Merge(
            "Helen Marsh",
            ("Chair Helen Marsh", "Helen Marsh", "Councillor Marsh"),
            "same full name with a title or role; 'Councillor Marsh': same surname, no other Marsh speaks",
        )
    ]


def test_a_surname_two_people_share_is_merged_with_neither():
    merges = same_people(["Chair Helen Marsh", "Helen Marsh", "Councillor Marsh", "Tom Marsh"])
    assert [merge.names for merge in merges] == [("Chair Helen Marsh", "Helen Marsh")]


def test_only_groups_of_two_or_more_are_suggested():
    assert same_people(["Helen Marsh", "Tom Ng", "SPEAKER_00", "", "Helen Marsh"]) == []


def test_diarizer_labels_of_different_meetings_are_never_one_person():
    assert same_people(["Speaker 1", "speaker 1", "SPEAKER_00", "Speaker_00"]) == []


def test_names_in_other_scripts_are_merged_as_written():
    merges = same_people(["王芳", "Dr. 王芳"])
    assert [(merge.person, merge.names) for merge in merges] == [("王芳", ("王芳", "Dr. 王芳"))]


def test_mentions_find_names_with_titles_but_not_ordinary_words():
    found = [m.form for m in mentions("Thank you, Councillor Whitford. Second. Ms. Vasquez lives on Orchard Lane.")]
    assert found == ["Councillor Whitford", "Ms. Vasquez"]  # Orchard Lane is a place
    assert [m.form for m in mentions("That is Sam's job, not Forty-one or Monday.")] == []
