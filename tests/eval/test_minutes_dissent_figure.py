"""The minutes figure of decisions naming who voted against, on a hand-counted example."""

from __future__ import annotations

from core.minutes import Item
from core.models import Turn
from eval.minutes import GoldMeeting, figures, same_people


def test_the_share_of_decisions_naming_the_same_dissenters():
    turns = tuple(Turn(i, "Chair", "Chair", "Carried.", "Carried.") for i in range(4))
    gold = {
        "decision": (
            {"turn": 0, "against": ["Dana Okafor"]},
            {"turn": 1, "against": []},
            {"turn": 2, "against": ["Luis Reyes", "Ana Ruiz"]},
            {"turn": 3},  # no label of who voted against: not counted
        ),
        "action": (),
    }
    meeting = GoldMeeting("board", "tune", turns, gold)
    found = [
        Item("decision", "Carried.", 0, "Chair", 1.0, against=("Trustee Dana Okafor",)),  # the same person
        Item("decision", "Carried.", 1, "Chair", 1.0),  # none, as labelled
        Item("decision", "Carried.", 2, "Chair", 1.0, against=("Luis Reyes",)),  # one of two
        Item("decision", "Carried.", 3, "Chair", 1.0, against=("Ana Ruiz",)),
    ]
    result = figures([meeting], lambda _: (found, []))["decision"]
    assert result["against_labelled"] == 3 and result["against_named"] == 2 / 3
    assert result["precision"] == result["recall"] == 1.0
    assert same_people(["Trustee Luis Reyes"], ["Luis Reyes"]) and not same_people([], ["Luis Reyes"])
