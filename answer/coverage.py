"""What an answer covers of what was asked (`Answer.coverage`): `answered`; `partial`, when the kind
asked for is given without a name or number ("a dedicated HR fellow" for "who"), and the answer says
what is not given; `not_in_transcripts`, a refusal that says what is missing and, where the reader
finds a sentence near the subject, what the transcripts do say instead, cited: a named speaker who
never speaks of the subject, or a question whose premise they leave open or contradict."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer.sentences import Sentence
from core.models import AnswerPart

ANSWERED, PARTIAL, NOT_IN_TRANSCRIPTS = "answered", "partial", "not_in_transcripts"
COVERAGES = (ANSWERED, PARTIAL, NOT_IN_TRANSCRIPTS)
NEAREST_READ = -2.0  # the reader's score a sentence needs to be shown as what is said nearest a missing answer
PARTIAL_READ = 1.5  # and to answer a factoid question with what it gives in place of the name or number (at 0,
# 8 of the samples suite's 25 unanswerable questions were answered in part)

_SUBJECT = re.compile(r"\b(?:about|on|regarding|concerning|of)\s+(?P<subject>[^?]+?)\s*\??\s*$", re.I)


def subject_of(question: str) -> str:
    """What a question asks about, as its words say it ("the Movement Charter"), or "this"."""
    match = _SUBJECT.search(question)
    return match["subject"] if match else "this"


def missing_lead(question: str, speaker: str | None) -> str:
    """The sentence that says what is missing."""
    if speaker:
        subject = subject_of(question)
        return f"{speaker} does not speak of {subject} in these transcripts. What they did say nearest to it:"
    return "The transcripts do not answer this question. What they do say nearest to it:"


def nearest(sentences: Sequence[Sentence], reads: Sequence[float], speaker: str | None) -> int | None:
    """The position of the sentence to show beside a refusal: the reader's best (of the named
    speaker's, when the question names one), if it reads as near enough."""
    eligible = [i for i, s in enumerate(sentences) if speaker is None or s.speaker == speaker]
    best = max(eligible, key=lambda i: reads[i], default=None)
    return best if best is not None and reads[best] >= NEAREST_READ else None


def not_given_part(notice: str) -> AnswerPart:
    """The closing words of a partial answer: what it does not give."""
    return AnswerPart(notice.replace("They speak of it, but none gives", "None of them gives"))
