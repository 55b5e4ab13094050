"""POST /api/ask with `history`: a follow-up read against the thread it is sent with, `standalone`
saying how; a history that is not one is a one-line message (400), never a traceback."""

from __future__ import annotations

import httpx
import pytest

COUNCIL = "city_council_2024-03-12"
BIKE_LANE = {
    "question": "What did the council decide about the Harbour Street bike lane?",
    "answer": "Mayor Lena Ortiz: Then the motion is to approve the Harbour Street protected bike lane, with "
    "construction starting the fifteenth of September. [1]",
}
FOLLOW_UP = "When does construction on it start?"


def asked(app_url: str, **body) -> httpx.Response:
    return httpx.post(f"{app_url}/api/ask", json=body, timeout=60)


def test_post_api_ask_reads_a_follow_up_against_its_history(app_url):
    response = asked(app_url, question=FOLLOW_UP, history=[BIKE_LANE])
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["question"] == FOLLOW_UP
    assert answer["standalone"] != FOLLOW_UP and "harbour street bike lane" in answer["standalone"].casefold()
    assert "fifteenth of September" in answer["answer"]
    assert {citation["meeting_id"] for citation in answer["citations"]} == {COUNCIL}
    alone = asked(app_url, question=FOLLOW_UP).json()
    assert alone["standalone"] == FOLLOW_UP  # without a thread it is answered as asked
    assert set(alone) == set(answer)  # the same fields with a history or without


def test_post_api_ask_reads_the_last_turns_of_a_long_history_and_says_so(app_url):
    response = asked(app_url, question=FOLLOW_UP, history=[BIKE_LANE] * 25)
    assert response.status_code == 200, response.text
    assert "last 20 turns of the thread (25 given" in response.json()["notice"]


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("the bike lane", "history must be a list of earlier turns, not str"),
        ({"question": "What was decided?"}, "history must be a list of earlier turns, not dict"),
        ([BIKE_LANE, {"answer": "It starts in September."}], "history turn 2 has no question"),
        ([BIKE_LANE, "What was decided?"], "history turn 2 has no question"),
        ([{"question": "What was decided?", "answer": 5}], "history turn 1's answer is int"),
    ],
)
def test_post_api_ask_says_what_is_wrong_with_a_bad_history(app_url, history, message):
    response = asked(app_url, question=FOLLOW_UP, history=history)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert message in detail and "\n" not in detail and "Traceback" not in detail
