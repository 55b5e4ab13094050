"""The follow-up evaluation (eval.followups): what counts as answered right, the figures per part on a
hand-computed example, the suite as written, and a small thread asked the three ways on the samples."""

from __future__ import annotations

import json

import pytest

from core.models import Answer, Chunk, Citation, Hit, Turn
from eval.followups import (
    SUITE,
    Thread,
    ThreadTurn,
    answered_right,
    ask_threads,
    figures,
    gold_without_quote,
    load_threads,
    rewrite_recall,
    rouge1_recall,
    summary_table,
    write_followups_report,
)

COUNCIL = "city_council_2024-03-12"
START = ThreadTurn(
    "When does construction start?",
    "When does construction of the Harbour Street bike lane start?",
    COUNCIL,
    ((9, 10),),
    "construction starting the fifteenth of September",
    "answered",
    ("ellipsis",),
)


def cited(meeting_id: str, turn: int, text: str = "Some words.", abstained: bool = False) -> Answer:
    chunk = Chunk(f"{meeting_id}:{turn}", meeting_id, text, turn, turn, ("Mayor",))
    hit = Hit(1, 1.0, 1.0, chunk, "A meeting", None, None)
    quoted = Turn(turn, "Mayor", "Mayor", text, text)
    return Answer("q", f"{text} [1]", abstained, (Citation(1, hit, (quoted,)),))


def test_an_answer_is_right_when_it_cites_the_gold_turns_of_its_meeting_or_quotes_the_gold_words():
    assert answered_right(cited(COUNCIL, 10), START)
    assert not answered_right(cited(COUNCIL, 4), START)  # the right meeting, another turn
    assert not answered_right(cited("riverton_council_2024-04-09", 10), START)  # the same turn of another meeting
    quoted = cited("riverton_council_2024-04-09", 2, "With construction starting the fifteenth of September.")
    assert answered_right(quoted, START)
    assert not answered_right(cited(COUNCIL, 10, abstained=True), START)  # a refusal is never right
    refused = ThreadTurn("How many births?", "How many births?", COUNCIL, (), "", "refused")
    assert answered_right(cited(COUNCIL, 10, abstained=True), refused)
    assert not answered_right(cited(COUNCIL, 10), refused)


def row(split: str, thread: bool, copy: bool, ceiling: bool, read_as: str = "q (about x)?", **more) -> dict:
    return {
        "split": split,
        "question": "q?",
        "read_as": read_as,
        "phenomena": more.get("phenomena", []),
        "thread": thread,
        "copy": copy,
        "ceiling": ceiling,
        "rewrite_rouge1_recall": more.get("rewrite", 0.5),
        "copy_rouge1_recall": more.get("copy_recall", 0.25),
    }


def test_figures_per_part_are_the_hand_computed_shares():
    rows = [
        row("tuning", True, False, True),
        row("tuning", False, True, True),  # worse than the follow-up alone
        row("tuning", True, True, True, "q?", phenomena=["standalone"], rewrite=1.0, copy_recall=1.0),
        row("held_out", True, False, False),
    ]
    result = figures(rows)
    tuning = result["tuning"]
    assert tuning["follow_ups"] == 3
    assert tuning["right_thread"] == pytest.approx(2 / 3) and tuning["right_copy"] == pytest.approx(2 / 3)
    assert tuning["right_ceiling"] == 1.0 and tuning["worse_than_copy"] == 1
    assert (tuning["standalone_unchanged"], tuning["standalone_questions"]) == (1, 1)
    assert tuning["rewrite_rouge1_recall"] == pytest.approx(2 / 3) and tuning["copy_rouge1_recall"] == 0.5
    assert result["held_out"]["right_thread"] == 1.0 and result["held_out"]["right_ceiling"] == 0.0
    assert result["all"]["follow_ups"] == 4 and result["all"]["right_thread"] == 0.75
    lines = summary_table(result)
    assert lines[2].startswith("| tuning | 3 | 0.667 | 0.667 | 1.000 | 1 |")
    assert lines[-1].endswith("left unchanged by their thread: 1 of 1.")


def test_rouge1_recall_is_the_share_of_the_gold_rewrite_words_found():
    # gold: when does construction of the harbour street bike lane start (10 words); copy holds 4
    gold = START.standalone
    assert rouge1_recall(START.question, gold) == pytest.approx(4 / 10)
    assert rouge1_recall(gold, gold) == 1.0


def test_the_suite_is_read_as_written():
    threads, transcripts = load_threads(SUITE)
    follow_ups = [turn for thread in threads for turn in thread.turns[1:]]
    assert len(threads) == 48 and len(follow_ups) == 109
    assert {thread.split for thread in threads} == {"tuning", "held_out"}
    assert all(path.exists() for path in transcripts)
    first = threads[0].turns[1]
    assert (first.question, first.standalone, first.meeting) == (START.question, START.standalone, COUNCIL)
    assert first.gold_turns == ((7, 7), (9, 9)) and first.phenomena == ("ellipsis",) and first.expected == "answered"


def test_a_thread_is_asked_three_ways_and_written_out(samples_library, tmp_path):
    thread = Thread(
        "t1",
        "tuning",
        (
            ThreadTurn(
                "What did the council decide about the Harbour Street bike lane?",
                "What did the council decide about the Harbour Street bike lane?",
                COUNCIL,
                ((10, 10),),
                "The motion carries",
                "answered",
            ),
            ThreadTurn(
                "When does construction start?",
                "When does construction of the Harbour Street bike lane start?",
                COUNCIL,
                ((8, 10),),
                "construction starting the fifteenth of September",
                "answered",
                ("ellipsis",),
            ),
        ),
    )
    (result,) = ask_threads(samples_library, [thread])
    assert result["read_as"] == "When does construction start (about the Harbour Street bike lane)?"
    assert result["thread"] is True and result["ceiling"] is True
    assert result["rewrite_rouge1_recall"] > result["copy_rouge1_recall"]
    summary = write_followups_report(tmp_path, figures([result]), [result])
    assert summary.read_text().startswith("# Follow-up questions in threads")
    assert json.loads((tmp_path / "results.json").read_text())["rows"][0]["thread_id"] == "t1"


def test_rewrites_are_scored_against_human_ones_beside_the_copy():
    conversation = [
        ("What is a physician's assistant?", "What is a physician's assistant?", "A licensed medical provider."),
        ("What does it cost?", "What does it cost to become a physician's assistant?", "About $71,000."),
    ]
    result = rewrite_recall([conversation])
    # of the 10 gold words (what does it cost to become a physician s assistant), the copy holds 4; the
    # resolver's "What does it cost (about physician's assistant)?" 7
    assert result["follow_ups"] == 1 and result["rewritten"] == 1
    assert result["copy"] == pytest.approx(4 / 10) and result["resolver"] == pytest.approx(7 / 10)


def test_gold_turns_that_miss_their_own_quote_are_counted_and_shown():
    """The suite numbered a meeting's turns otherwise than the library: a gold turn list that holds none
    of its quote while another turn does is counted per part (reported, the judgement left as written)."""
    said = ["Good evening.", "The bike lane.", "With construction starting the fifteenth of September."]
    meeting = [Turn(i, "Mayor", "Mayor", text, text) for i, text in enumerate(said)]
    off_by_one = START  # gold (9, 10) here; the quote is in turn 2
    right = ThreadTurn("When?", "When?", COUNCIL, ((2, 2),), START.quote, "answered")
    refused = ThreadTurn("How many births?", "How many births?", COUNCIL, (), "", "refused")
    threads = [
        Thread("a", "tuning", (right, off_by_one, refused)),
        Thread("b", "held_out", (off_by_one, right)),
    ]
    off = gold_without_quote(threads, lambda meeting_id: meeting)
    assert off == {"tuning": 1, "held_out": 1, "all": 2}
    counted = figures([row("tuning", True, False, True), row("held_out", False, False, True)])
    for split, count in off.items():
        counted[split]["gold_without_quote"] = count
    assert summary_table(counted)[-1] == (
        "Gold turns that do not hold their own quote (judged as written): 1 in tuning, 1 in held_out, 2 in all."
    )
