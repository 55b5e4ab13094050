"""Answers that say what is there and what is not (answer.extractive.coverage), on the seed transcript: a named
speaker who never speaks of the subject, the kind asked for given without a name, a question that
takes for granted an event the transcripts never speak of, and an answer found."""

from __future__ import annotations

from answer.ask import AskOptions, ask
from answer.extractive.compose import ABSTENTION
from answer.extractive.coverage import subject_of, unattested_event
from answer.extractive.sentences import candidates
from core.models import Chunk, Filters, Hit
from web.render import answer_html

SEED_MEETING = AskOptions(filters=Filters.within("office_hours_2022-03-24"))


def test_roy_smith_on_the_movement_charter_is_said_not_to_be_in_the_transcripts_with_what_he_said(seed_library):
    result = ask(seed_library, "What did Roy Smith say about the Movement Charter?")
    assert result.abstained and result.covers == "not_in_transcripts"
    assert result.text.startswith("Roy Smith does not speak of the Movement Charter in these transcripts."), result.text
    # what he did say nearest to it, cited: friendly-space policies at the New York events
    assert "Friendly Space policies" in result.text and result.text.endswith("[1]")
    assert [c.n for c in result.citations] == [1] and "Roy Smith" in result.citations[0].hit.chunk.speakers
    assert result.to_dict()["coverage"] == "not_in_transcripts"
    html = answer_html(result)
    assert "Not in these transcripts" in html and 'data-cite="1"' in html


def test_the_same_question_before_the_checks_quoted_him_as_if_he_answered(seed_library):
    query = seed_library.prepare("What did Roy Smith say about the Movement Charter?")
    hits = seed_library.retrieve_query(query, 8)
    from answer.extractive.compose import answer

    before = answer(query.text, hits, seed_library.evidence(query), coverage=False)
    assert not before.abstained and "Friendly Space" in before.text


def test_a_speaker_who_does_not_speak_in_the_meetings_searched_is_said_so(seed_library):
    # Roy Smith speaks in the seed only: asked within the plain-text fixture, he says nothing there
    plain = next(m for m in seed_library.catalog.meetings if m != "office_hours_2022-03-24" and "plain" in m)
    result = ask(
        seed_library, "What did Roy Smith say about the Movement Charter?", AskOptions(filters=Filters.within(plain))
    )
    assert result.abstained and result.covers == "not_in_transcripts"
    assert result.citations and all(c.hit.chunk.meeting_id == plain for c in result.citations)  # nearest passages
    assert result.text == "Roy Smith does not speak in the meetings searched, so not of the Movement Charter."


def test_the_kind_asked_for_given_without_a_name_is_an_answer_that_says_what_is_not_given(seed_library):
    result = ask(seed_library, "Who on the human rights team supports Eastern Europe?")
    assert not result.abstained and result.covers == "partial", result.text
    assert "dedicated HR fellow" in result.text
    assert result.text.endswith("The transcripts do not give the name asked for.")
    assert "Cameran Ashraf" in result.citations[0].hit.chunk.speakers
    assert result.to_dict()["coverage"] == "partial"
    assert "Partly answered" in answer_html(result)


def test_a_question_taking_for_granted_an_event_never_spoken_of_says_so_with_what_is_said(seed_library):
    result = ask(seed_library, "Why did the Foundation stop funding the regional hubs?", SEED_MEETING)
    assert result.abstained and result.covers == "not_in_transcripts"
    assert result.text.startswith('The transcripts do not say this: nothing in them speaks of "stop"'), result.text
    assert len(result.citations) == 1 and result.text.endswith("[1]")


def test_an_answer_found_is_marked_answered(seed_library):
    for question in (
        "What did Cameran Ashraf say about jurisdictions?",
        "How were the members of the charter drafting committee chosen?",  # "selected": the same event
    ):
        result = ask(seed_library, question, SEED_MEETING)
        assert not result.abstained and result.covers == "answered", (question, result.text)
        assert result.to_dict()["coverage"] == "answered"
        assert "Partly answered" not in answer_html(result)


def test_a_plain_refusal_is_not_in_the_transcripts(seed_library):
    result = ask(seed_library, "Which programming language is the new editor written in?")
    assert result.abstained and result.covers == "not_in_transcripts" and result.text.startswith(ABSTENTION)


def _said(*lines: str) -> list:
    """The sentences of one passage of `lines` ("Speaker: words"), as answers read them."""
    text = "\n".join(lines)
    speakers = tuple(dict.fromkeys(line.split(":", 1)[0] for line in lines))
    return candidates([Hit(1, 1.0, 1.0, Chunk("m:0", "m", text, 0, len(lines) - 1, speakers), "m", None, None)])


def test_an_event_is_spoken_of_by_its_own_word_or_one_like_it_never_by_a_supposition():
    question = "Why did the council reject the bike lane?"
    assert unattested_event(question, _said("Mayor: The motion carries, four in favour and one against.")) == "reject"
    assert unattested_event(question, _said("Mayor: The council turned it down; we declined the design.")) is None
    assert unattested_event(question, _said("Clerk: What happens if the council rejects it?")) == "reject"
    assert unattested_event(question, _said("Clerk: If the council rejects it, we start again.")) == "reject"
    assert unattested_event("Why was the beta cancelled?", _said("Priya: We scrapped the beta.")) is None
    # spoken of, but of another subject: the pricing test was cancelled, not the beta
    assert (
        unattested_event("Why was the beta cancelled?", _said("Priya: We cancelled the pricing test.")) == "cancelled"
    )
    # in the turn that speaks of the subject, not in another
    turns = _said("Priya: The beta goes on.", "Tom: We cancelled the pricing test.")
    assert unattested_event("Why was the beta cancelled?", turns) == "cancelled"
    # no event taken for granted: what someone said, or a factoid
    assert unattested_event("What did the council say about the lane?", _said("Mayor: Nothing.")) is None
    assert unattested_event("How much did the cancelled beta cost?", _said("Priya: Nothing.")) is None


def test_the_subject_a_question_asks_a_speakers_words_about():
    assert subject_of("What did Roy Smith say about the Movement Charter?") == "the Movement Charter"
    assert subject_of("What is Patrick Earley's position on transparency in harassment cases?") == (
        "transparency in harassment cases"
    )
    assert subject_of("Did Roy Smith mention the Movement Charter?") == "the Movement Charter"
    assert subject_of("What did Marketing think of the battery when discussing general requirements?") == "the battery"
    assert subject_of("Why did the vote fail?") is None


def test_a_written_partial_answer_still_says_what_is_not_given(seed_library):
    from answer.written.client import Endpoint
    from answer.written.writer import written_answer
    from tests.llm_server import ScriptedLLM, passage_number

    server = ScriptedLLM()
    try:
        server.say(
            lambda request: (
                f"A dedicated HR fellow supports Eastern Europe [{passage_number(request, 'dedicated HR fellow')}]."
            )
        )
        question = "Who on the human rights team supports Eastern Europe?"
        query = seed_library.prepare(question)
        hits = seed_library.retrieve_query(query, 8)
        result = written_answer(
            query.text,
            hits,
            seed_library.evidence(query),
            None,
            Endpoint(server.url, "scripted", None),
            seed_library.sentence_vectors,
            5.0,
        )
    finally:
        server.close()
    assert result.answerer == "llm" and result.covers == "partial", result.text
    assert "HR fellow" in result.text and result.text.endswith("The transcripts do not give the name asked for.")


def test_a_role_answers_in_part_only_beside_what_was_asked_and_never_as_the_questions_own_word(samples_library):
    # "Most of it pays for a part-time release manager, and the rest for a security audit": the
    # manager is not who runs the audit (too far from it), nor who pays (the question's own word)
    for question in ("Who will run the security audit?", "Who pays for the release manager?"):
        result = samples_library.ask(question)
        assert result.covers != "partial", (question, result.text)
