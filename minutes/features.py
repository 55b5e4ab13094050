"""What a turn says of decisions and action items, as numbers a fitted model weighs
(`minutes.items`): cue phrases of deciding, voting and committing, the hedges and questions that
undo them, and the turn's place among its neighbours (a request accepted in the next turn).
Pure functions over turns; English only."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.models import Turn
from core.text import COUNTING, MONTHS, alternatives, sentences

_I = re.IGNORECASE | re.VERBOSE
NUMBER = rf"(?:\d+|zero|nothing|none|{alternatives(COUNTING[1:13])})"
MONTH_WORDS = alternatives(MONTHS)
CUES = {
    # a chair's result, said in any of its forms: "The motion carries", "Carried.", "It's carried", "That
    # passes", "Defeated, two to three", "The ayes have it", "Motion fails"; not a report ("it carried over")
    "motion_result": rf"""\bmotion\s+(?:is\s+|was\s+|has\s+)?(?:carries|carried|passes|passed|fails|failed|approved|
        adopted|defeated|lost|rejected)\b|\b(?:it|that|this|which)\s+(?:carries|passes|fails)\b|
        \b(?:it|that|this|the\s+\w+)(?:'s|\s+is)\s+(?:carried|passed|defeated|lost)\b|
        (?:^|(?<=[.?!,;:]\s))\W*(?:carried|carries|passed|passes|defeated|fails|failed|lost)\b
        (?!\s+(?:over|out|on|forward|through|away|around|along|by\s+(?:the|a|an)\b))|
        \b(?:carries|passes|fails|carried|passed|defeated|failed|lost)\s+(?:unanimously|\d|(?:{alternatives(COUNTING[1:10])})\b)|\bunanimous(?:ly)?\b|\b(?:ayes?|yeas|nays|noes|nos)\s+have\s+it|
        so\s+ordered|\bdeclared\s+(?:carried|passed|lost|defeated)""",
    # a chair calling the vote, which asks for a decision and makes none
    "vote_call": r"""\b(?:all|those)\s+(?:those\s+)?(?:in\s+)?favou?r|\b(?:any|all|those)\s+(?:opposed|against)|
        (?:^|(?<=[.?!]\s))(?:opposed|against|in\s+favou?r|(?:any\s+)?abstentions?|nays?)\s*\?|\bsay\s+aye|
        \broll\s+call|\bcall\s+the\s+roll|\brecorded\s+vote|\bvote\s+by\s+roll|\braise\s+your\s+hands?""",
    "vote_count": rf"""\b{NUMBER}\s*(?:to|-|–)\s*{NUMBER}\b|\bvotes?\b|\bvoted\b|\bayes?\b|\bnays?\b|\babstain|
        \b{NUMBER}\s+(?:in\s+favou?r|against|opposed)\b""",
    "decided": r"""\b(?:we(?:'ve|\s+have)?\s+(?:decided|agreed|settled|concluded|chosen|resolved)|
        (?:it'?s|it\s+is|that'?s|that\s+is)\s+(?:decided|settled|agreed|final)|decision\s+is|we'll\s+go\s+with|
        (?:let'?s|we\s+will|we'll|we're\s+going\s+to)\s+(?:go\s+with|stick\s+with|use|keep|adopt|drop)|
        (?:is|are|was|were)\s+(?:approved|adopted|accepted|rejected|postponed|tabled|deferred)|
        (?:approve|approved|adopt|adopted|postpone|postponed|defer|deferred|table|tabled)\b|
        consensus|agreed|final\s+(?:decision|answer)|we\s+(?:all\s+)?agree|going\s+forward|from\s+now\s+on)""",
    "commit_self": r"""\b(?:I\s*(?:'ll|will|shall)|I\s+am\s+going\s+to|I'm\s+going\s+to|I\s+can|let\s+me|
        I'll\s+take|I\s+volunteer|I'm\s+on\s+it|I\s+will\s+take|leave\s+it\s+(?:to|with)\s+me|
        action\s+item\s+(?:for|on)\s+me|I'll\s+(?:make\s+sure|follow)|will\s+do)\b""",
    "commit_other": r"""\b(?:[A-Z][a-z]+\s+(?:will|is\s+going\s+to|'s\s+going\s+to|is\s+to|to\s+(?:send|draft|write|
        prepare|update|check|follow|look|share|call|email|schedule|set|review|contact|book|order|fix|finish))|
        (?:can|could|would)\s+you\s+(?:please\s+)?\w+|you\s+(?:will|'ll)\s+\w+|please\s+(?:send|draft|write|
        prepare|update|check|follow|share|schedule|review)|action\s+items?|assign(?:ed)?\s+to|
        (?:is|are)\s+responsible\s+for|take\s+care\s+of|in\s+charge\s+of|owner\s+(?:is|will))""",
    # a sentence that opens by committing the speaker ("I'll pull together…", "Sure, I can take that")
    "pledge": r"""^\W*(?:(?:sure|yes|yeah|okay|ok|right|then|and|so|fine|good|great|absolutely|of\s+course|no\s+problem)
        [,.!]?\s+)*(?:I\s*(?:'ll|will|shall|can)|I'm\s+going\s+to|I\s+am\s+going\s+to|leave\s+it\s+with\s+me|
        I'm\s+happy\s+to|I'd\s+be\s+happy\s+to)\s+(?!(?:just|be\s+honest|say|admit|second|move|vote|abstain|not|never|
        try\s+to|think|guess|see|tell\s+you|show\s+you|stop|start\s+by|pass|hand\s+over|go\s+back|go\s+through|explain|
        read|repeat|only|still|also\s+say)\b)""",
    "collective": r"\b(?:we(?:'ll|\s+will|\s+need\s+to|\s+should|\s+have\s+to|\s+must)|let'?s)\s+\w+",
    "due": rf"""\b(?:by|before|until|no\s+later\s+than|due)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?\w+|next\s+\w+|
        this\s+\w+|tomorrow|tonight|\w+day|\d{{1,2}}(?:st|nd|rd|th)?|{MONTH_WORDS})|
        \bnext\s+(?:\w+\s+)?(?:week|month|meeting|time|session)\b|
        \bthis\s+(?:week|month)\b|\b(?:{MONTH_WORDS})\s+(?:meeting|packet|agenda)\b|
        \btomorrow\b|\bend\s+of\s+(?:the\s+)?(?:day|week|month|quarter)\b""",
    "hedge": r"""\b(?:maybe|perhaps|might|could\s+(?:we|possibly|also)|if\s+we|what\s+if|I\s+(?:think|guess|
        suppose|wonder)|probably|not\s+sure|hypothetically|would\s+be\s+nice|ideally|in\s+theory|I\s+don't\s+know)\b""",
    "past": r"""\b(?:I|we|he|she|they)\s+(?:already\s+)?(?:sent|did|wrote|made|finished|emailed|called|talked|
        met|checked|updated|fixed|was|were|had)\b|last\s+(?:week|month|time|meeting)|yesterday""",
    "negated": r"""\b(?:not|n't|never|no\s+one|nobody)\b""",
    # the motions and votes of a meeting's procedure, which commit no one to work
    "procedural": r"""\bI(?:'ll|\s+will)?\s+second\b|\bI\s+(?:would\s+(?:like\s+to\s+)?|'d\s+)?move\b|\bI'll\s+move\b|
        \bso\s+moved\b|\bI(?:'ll|\s+will|'m|\s+am)?\s+(?:be\s+|going\s+to\s+)?vot(?:e|ing)\b|\babstain|
        \b(?:call(?:ed|ing|s)?|come|came)\s+(?:[\w'-]+\s+){0,10}?to\s+order\b|\badjourn""",
}
CUE_PATTERNS = {name: re.compile(words, _I) for name, words in CUES.items()}
COMMON_WORDS = frozenset(  # capitalised words that name no one
    """I I'm I’m And But So Okay Yes Yeah Well Then The We Thanks Thank Sure Right Also Now Next All Those Any
    Anyone Everyone None Nobody Motion Opposed Against Abstentions Seeing Hearing Unanimous Unanimously Carried
    Defeated Passed Seconded Second Moved Aye Ayes Nay Nays No Noted""".split()  # noqa: SIM905
)
ACCEPT = re.compile(
    r"^\W*(?:sure|yes|yeah|yep|okay|ok|will\s+do|sounds\s+good|absolutely|of\s+course|I\s+can|I'll|no\s+problem|"
    r"happy\s+to|on\s+it|definitely|got\s+it)\b",
    re.IGNORECASE,
)
FEATURES = (
    *(f"cue_{name}" for name in CUES),
    "question",  # the sentence asks (ends with "?")
    "accepted",  # the next turn, by another speaker, accepts ("Sure", "Will do")
    "next_has_decision",  # the next turn has a cue of deciding or voting (a motion answered by its result)
    "words",  # the sentence's length, log
    "turn_words",  # the turn's length, log
    "main_speaker",  # the speaker's share of the meeting's words
    "position",  # where the turn stands in the meeting, 0 to 1
    "later_half",  # the sentence is in the second half of its turn
)


def cue_counts(text: str) -> dict[str, int]:
    return {name: len(pattern.findall(text)) for name, pattern in CUE_PATTERNS.items()}


def turn_sentences(turn: Turn) -> list[str]:
    """The turn's sentences of two words or more, and the one-word results of a vote ("Carried.", "Defeated.")."""
    said = [sentence.strip() for sentence in sentences(turn.clean_text)]
    return [s for s in said if len(s.split()) >= 2 or CUE_PATTERNS["motion_result"].search(s)]


def sentence_rows(turns: Sequence[Turn]) -> tuple[list[tuple[int, str]], list[list[float]]]:
    """Every sentence of the meeting as (turn position, sentence) with its feature row."""
    import math

    words = [len(turn.clean_text.split()) for turn in turns]
    total = sum(words) or 1
    share: dict[str | None, float] = {}
    for turn, count in zip(turns, words, strict=True):
        share[turn.canonical_speaker] = share.get(turn.canonical_speaker, 0.0) + count / total
    found: list[tuple[int, str]] = []
    rows: list[list[float]] = []
    for k, turn in enumerate(turns):
        following = turns[k + 1] if k + 1 < len(turns) else None
        accepted = following is not None and following.canonical_speaker != turn.canonical_speaker
        accepted = accepted and bool(ACCEPT.match(following.clean_text))
        next_cues = cue_counts(following.clean_text) if following is not None else {}
        next_decision = next_cues.get("motion_result", 0) + next_cues.get("decided", 0) > 0
        parts = turn_sentences(turn)
        for n, sentence in enumerate(parts):
            counts = cue_counts(sentence)
            found.append((k, sentence))
            rows.append(
                [
                    *(float(min(counts[name], 3)) for name in CUES),
                    float(sentence.rstrip().endswith("?")),
                    float(accepted and n == len(parts) - 1),
                    float(next_decision),
                    math.log1p(len(sentence.split())),
                    math.log1p(words[k]),
                    share.get(turn.canonical_speaker, 0.0),
                    k / max(len(turns) - 1, 1),
                    float(n >= len(parts) / 2),
                ]
            )
    return found, rows
