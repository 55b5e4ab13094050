"""The verifier of written answers on its own: markers, the checks that need no model, and the
fitted content check with the real embedding model; its adversarial set built from QMSum val."""

from __future__ import annotations

import json

import pytest

from answer.written.claims import attributed_speakers, named, negation_scopes, number_tokens, stems
from answer.written.verify import Shown, split_answer, verify
from tests.conftest import ROOT

BUDGET = Shown(1, "The estimated cost is one point two million dollars, mostly from the state grant.", ("Raj Patel",))
VOTE = Shown(2, "All in favour? That is five in favour, none against. The motion carries.", ("Lena Ortiz",))
DELAY = Shown(3, "I propose we start construction on the fifteenth of September instead.", ("Amina Yusuf",))
SHOWN = [BUDGET, VOTE, DELAY]


def test_markers_are_read_off_each_sentence():
    text = "It costs a lot [1]. The vote passed [2, 3]. Work starts in September.[3] [1-2] Nobody objected."
    assert split_answer(text) == [
        ("It costs a lot.", (1,)),
        ("The vote passed.", (2, 3)),
        ("Work starts in September.", (3, 1, 2)),
        ("Nobody objected.", ()),
    ]


def test_numbers_and_dates_are_compared_as_digits():
    assert number_tokens("one point two million dollars") == number_tokens("1.2 million dollars") >= {"1.2"}
    assert number_tokens("twenty five riders on the 3rd of June, 1,000 in all, 0,05 each") >= {
        "25",
        "3",
        "June",
        "1000",
        "0.05",
    }
    assert named("Construction starts after Raj Patel and the L_C_D_ team agree") == ["Raj Patel", "L_C_D_"]
    # a speaker id is a name, an ordinal orders unless it is a day of a month, a title is no name
    assert number_tokens("speaker mn005 gave the first talk and the third, on the fifteenth of September") == {
        "15",
        "September",
    }
    assert named("According to Mr. Blaney, the group met.") == ["Blaney"]


def test_words_are_attributed_to_the_speaker_nearest_the_verb():
    speakers = ["Mark Reckless AM", "Meilyr Rowlands"]
    said = "To answer Mark Reckless AM's question, Meilyr Rowlands explained that scrutiny helps."
    assert attributed_speakers(said, speakers) == {"Meilyr Rowlands"}
    assert attributed_speakers("Mark Reckless AM asked about funding.", speakers) == {"Mark Reckless AM"}
    assert stems("the L_C_D_s") == stems("the LCD")  # AMI spells acronyms out


@pytest.fixture(scope="module")
def embed(embedder):
    return embedder.embed_batch


def test_a_negation_governs_the_content_words_after_it_within_its_clause():
    assert negation_scopes("I don't think we should close the library on Sundays, but we can open late.") == (
        {"close", "librari", "sunday"},
        {"open", "late"},
    )
    assert negation_scopes("No, that is right: the vote passed.")[0] == set()  # "no" alone negates nothing


def test_a_negation_the_cited_passage_holds_is_kept(embed):
    sundays = Shown(4, "I don't think we should close the library on Sundays. People need it.", ("Amina Yusuf",))
    (check,) = verify("Amina Yusuf did not want the library closed on Sundays [4].", [sundays], embed, ["Amina Yusuf"])
    assert check.supported, check.reason


def test_a_claim_the_source_does_not_hold_is_named():
    from answer.written.verify import unheld_claim

    held = "We counted about forty riders a day on Main Street last spring."
    assert unheld_claim("The group counted forty riders a day on Main Street.", held, ["Raj Patel"]) is None
    assert "gives 70" in unheld_claim("The group counted 70 riders a day on Main Street.", held, ["Raj Patel"])
    assert "names ICSI" in unheld_claim("The group counted forty riders a day, as ICSI did.", held, ["Raj Patel"])
    assert unheld_claim("Raj Patel counted forty riders a day.", held, ["Raj Patel"]) is None  # a speaker


def test_gold_sentences_giving_what_no_gold_turn_holds_are_set_apart(tmp_path):
    from eval.verifier import BEYOND, adversarial_cases

    turns = [
        {"speaker": "Raj Patel", "content": "The bike lane will cost about forty thousand dollars in all."},
        {"speaker": "Lena Ortiz", "content": "And the state grant pays for most of the bike lane."},
        {"speaker": "Raj Patel", "content": "Right, the grant covers the paint and the posts."},
    ]
    answer = (
        "Raj Patel said the bike lane would cost about forty thousand dollars in all. "
        "Raj Patel said the bike lane would open on 12 June with 300 riders."
    )
    query = {
        "query": "What did Raj Patel say about the bike lane?",
        "answer": answer,
        "relevant_text_span": [["0", "2"]],
    }
    meeting = {"meeting_transcripts": turns, "specific_query_list": [query]}
    (tmp_path / "council.json").write_text(json.dumps(meeting))
    cases = adversarial_cases(tmp_path)
    (true,) = [case for case in cases if case.true]
    (beyond,) = [case for case in cases if case.kind == BEYOND]
    assert "forty thousand" in true.sentence and "12 June" in beyond.sentence
    assert all(case.sentence != beyond.sentence for case in cases if case.kind != BEYOND)  # never perturbed
    assert any(case.kind == "negation" for case in cases)  # the true one is


def test_thresholds_catch_the_most_within_the_budget_of_true_drops():
    import numpy as np

    from answer.written.verify import FEATURES, RARE_SHARE, UNHELD_NEGATION
    from eval.verifier import TRUE_DROPS, _thresholds

    rng = np.random.default_rng(0)
    true = np.arange(400) < 200
    passed = np.ones(400, dtype=bool)
    passed[[0, 1, 250]] = False  # the rules dropped two true cases and one perturbed
    unheld = rng.random(400) < np.where(true, 0.1, 0.5)  # perturbed ones negate more often
    probabilities = np.clip(np.where(true, 0.7, 0.35) + rng.normal(0, 0.15, 400), 0, 1)
    rows = np.zeros((400, len(FEATURES)))
    rows[:, RARE_SHARE], rows[:, UNHELD_NEGATION] = 1.0, unheld
    threshold, negation_threshold = _thresholds(true, passed, probabilities[passed], rows[passed])
    dropped = ~passed
    dropped[passed] = (probabilities < threshold)[passed] | (unheld & (probabilities < negation_threshold))[passed]
    assert dropped[true].mean() <= TRUE_DROPS
    assert negation_threshold > threshold  # a negation the passages do not hold needs more support
    assert dropped[~true].mean() > 0.5


def test_supported_sentences_are_kept(embed):
    checks = verify(
        "The lane costs about 1.2 million dollars, mostly from a state grant [1]. "
        "Raj Patel said most of the money comes from the state [1]. The motion carried five to none [2].",
        SHOWN,
        embed,
    )
    assert [(check.supported, check.reason) for check in checks] == [(True, None)] * 3


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("The lane costs 1.2 million dollars [7].", "cites [7], but only passages 1–3 were shown"),
        ("The lane costs 1.2 million dollars.", "cites no passage"),
        ('Patel called it "a waste of good money" [1].', "quotes “a waste of good money”"),
        ("The lane costs 3.5 million dollars [1].", "gives 3.5"),
        ("Construction starts on the fifteenth of October [3].", "gives October"),
        ("Lena Ortiz said the cost is 1.2 million dollars [1].", "attributes words to Lena Ortiz"),
        ("The money comes from Ottawa [1].", "names Ottawa"),
        ("The motion did not carry [2].", "it negates"),
        ("The library will stay open later for teenagers [2].", "its distinctive words are not in the cited passages"),
    ],
)
def test_an_unsupported_sentence_is_dropped_with_its_reason(embed, sentence, reason):
    (check,) = verify(sentence, SHOWN, embed, ["Lena Ortiz", "Raj Patel", "Amina Yusuf"])
    assert not check.supported and reason in check.reason
    assert all(n in (1, 2, 3) for n in check.citations)  # a passage not shown is never a citation


def test_eval_verifier_scores_each_kind_of_perturbation(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    result = CliRunner().invoke(app, ["eval", "verifier", "--limit", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "speaker" in result.output and "all perturbed (caught)" in result.output
    summary = json.loads((tmp_path / "results.json").read_text())["summary"]
    assert set(summary) == {
        *("true", "speaker", "number", "date", "citation", "negation", "outcome", "modality", "invented"),
        *("beyond", "perturbed"),
    }
    assert summary["outcome"]["cases"] + summary["modality"]["cases"] > 0  # the contradiction kinds are built
    assert summary["true"]["cases"] >= 20 and summary["perturbed"]["cases"] > summary["true"]["cases"]
    assert summary["citation"]["share"] > 0.7 and summary["true"]["share"] < 0.4
    assert (ROOT / "answer" / "written" / "verifier_model.json").exists()


def test_a_negating_sentence_is_scored_with_slopes_of_its_own(embed):
    import numpy as np

    from answer.written.verify import FEATURES, content_features, default_verifier

    negating = FEATURES.index("negating")
    measured = list(FEATURES[:negating])
    rows = content_features(
        [("The motion carried five to none.", [VOTE]), ("The motion did not carry.", [VOTE])], embed
    )
    affirming, negated = rows
    assert affirming[negating] == 0 and not affirming[negating + 1 :].any()
    assert negated[negating] == 1 and np.allclose(negated[negating + 1 :], negated[: len(measured)])
    # the committed scorer weighs the negating copies: without them its score of the negated one moves
    scorer = default_verifier().content
    assert scorer.features == FEATURES
    alone = negated.copy()
    alone[negating:] = 0
    assert abs(scorer.probability(negated[None])[0] - scorer.probability(alone[None])[0]) > 0.01
