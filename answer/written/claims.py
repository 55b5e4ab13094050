"""What a sentence claims that can be checked word for word: the numbers and dates it gives, the
names it mentions, the speakers it attributes words to, and the words it negates."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.text import COUNTING, MONTHS, WEEKDAYS, words
from index.keyword import terms
from index.mentions import mentioned_speakers

_SCOPE_TOKEN = re.compile(r"\w+(?:['’]\w+)?|[.,;:!?]")
_NEGATORS = frozenset(["not", "never", "no", "neither", "nor", "cannot", "without", "nothing", "none", "nobody"])
_SCOPE_ENDS = frozenset([".", ",", ";", ":", "!", "?", "but", "although", "though", "because", "while", "whereas"])
SCOPE = 3  # content words after a negation that it governs (up to the clause's end)
# words a negation's scope passes over: "I don't think we should close it" negates "close"
_FUNCTION_WORDS = frozenset(
    [
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "me",
        "him",
        "her",
        "us",
        "them",
        "my",
        "your",
        "his",
        "its",
        "our",
        "their",
        "this",
        "that",
        "these",
        "those",
        "a",
        "an",
        "the",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "'s",
        "'re",
        "'ve",
        "'ll",
        "'d",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "about",
        "as",
        "into",
        "so",
        "just",
        "really",
        "very",
        "too",
        "quite",
        "even",
        "also",
        "yet",
        "actually",
        "necessarily",
        "think",
        "believe",
        "suppose",
        "guess",
        "expect",
        "there",
        "here",
        "then",
        "longer",  # "no longer pays" negates "pays"
    ]
)
_NUMBER_WORDS = {  # single number words text2num leaves as words ("one" is left out: "one of them")
    word: str(value) for value, word in enumerate(COUNTING[:11]) if value != 1
}
# digits glued to letters are names ("mn005", "Eurospeech'01"); an ordinal ("1st", "third") orders
# what is said rather than counting it, unless it is a day of a month ("the 3rd of June")
_NUMBER = re.compile(r"(?<![A-Za-z'’\d.])\d+(?:,\d{3}(?!\d))*(?:[.,]\d+)?(?!\d|st\b|nd\b|rd\b|th\b)")
_ORDINAL = re.compile(r"(?<![A-Za-z'’\d.])(\d+)(?:st|nd|rd|th)\b")
_DATE_WORDS = frozenset([*(month for month in MONTHS if month != "may"), *WEEKDAYS])  # "may" is a verb first
_MONTHS = frozenset(word for word in _DATE_WORDS if not word.endswith("day"))
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|stated|suggested|suggests|proposed|argued|asked|explained|mentioned|noted|thought|"
    r"thinks|believed|believes|agreed|disagreed|added|replied|answered|claimed|reported|recommended|wanted|"
    r"felt|pointed out|described|presented|raised|told|insisted|warned|promised|announced|confirmed)\b",
    re.IGNORECASE,
)
_SPELLED = re.compile(r"\b((?:[A-Za-z]_){2,})s?\b")  # AMI's spelled-out acronyms: "L_C_D_s"
_COMMON_CAPITALS = frozenset(
    [
        "I",
        "The",
        "A",
        "An",
        "And",
        "But",
        "So",
        "Then",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "They",
        "We",
        "He",
        "She",
    ]
)


_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Sir|Dame|Madam|Hon)\.?\s+(?=[A-Z])")


def stems(text: str) -> set[str]:
    """The stemmed, case-folded words of a text; spelled-out acronyms ("L_C_D_") as one word."""
    from core.text import stemmer

    joined = _SPELLED.sub(lambda match: match[1].replace("_", ""), text)
    return set(stemmer().stemWords([word.casefold() for word in words(joined)]))


def number_tokens(text: str) -> set[str]:
    """The numbers (digits and number words, as digits: "twenty five" is 25, "0,05" is 0.05) and the
    dates (month and day names) in a text."""
    from text_to_num import alpha2digit

    found = set()
    text = alpha2digit(text, "en")
    for match in _NUMBER.findall(text):
        whole = re.sub(r",(?=\d{3}(?!\d))", "", match).replace(",", ".")
        found.add(whole.rstrip("0").rstrip(".") if "." in whole else whole.lstrip("0") or "0")
    for match in _ORDINAL.finditer(text):
        around = words(text[max(0, match.start() - 12) : match.end() + 14].casefold())
        if _MONTHS & set(around):
            found.add(match[1].lstrip("0") or "0")
    for word in words(text.casefold()):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
        elif word in _DATE_WORDS:
            found.add(word.capitalize())
    return found


def attributed_speakers(sentence: str, speakers: Sequence[str]) -> set[str]:
    """The speakers the sentence says spoke: named close before a verb of speech or thought, or after
    "according to"."""
    found: set[str] = set()
    for clause in clauses(sentence):
        if not _ATTRIBUTION.search(clause) and "according to" not in clause.casefold():
            continue
        before_verb = _ATTRIBUTION.split(clause, maxsplit=1)[0]
        # the subject stands closest to the verb: "To answer X's question, Y explained" is Y's
        named = next(
            (names for part in reversed(before_verb.split(",")) if (names := mentioned_speakers(part, speakers))), []
        )
        if "according to" in clause.casefold():
            named += mentioned_speakers(clause.casefold().split("according to", 1)[1], speakers)
        found.update(named[:1])
    return found


def clauses(sentence: str) -> list[str]:
    """A sentence cut where one claim ends and another begins: at "; " and ", but", ", while"..."""
    return [clause for clause in re.split(r"[;,]\s+(?:and|but|while|whereas)\s+|;\s*", sentence) if clause]


def named(sentence: str) -> list[str]:
    """Capitalized words after a sentence's first word: the names (people, places, things) it gives."""
    found = []
    sentence = _TITLE.sub("", sentence)  # "Mr. Blaney" names Blaney
    for match in re.finditer(r"(?<=[\w,;)]\s)([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)", sentence):
        name = match[1].removesuffix("'s").removesuffix("’s")
        if name not in _COMMON_CAPITALS:
            found.append(name)
    return found


def negation_scopes(text: str) -> tuple[set[str], set[str]]:
    """The stemmed content words a text negates (the SCOPE words after each "not", "n't", "never",
    "no"..., within its clause) and those it does not."""
    scoped = [(token, negator) for clause in scoped_clauses(text) for token, negator in clause]
    negated = [token for token, negator in scoped if negator]
    affirmed = [token for token, negator in scoped if not negator]
    return set(terms(" ".join(negated))), set(terms(" ".join(affirmed)))


def scoped_clauses(text: str) -> list[list[tuple[str, str]]]:
    """The content words of each clause of a text, each with the negator whose scope it is in ("not",
    "nothing", "n't"...) or "" when none is."""
    clauses: list[list[tuple[str, str]]] = [[]]
    left, negator = 0, ""
    for token in _SCOPE_TOKEN.findall(text.casefold().replace("’", "'")):
        if token in _SCOPE_ENDS:
            left = 0
            if clauses[-1]:
                clauses.append([])
        elif token in _NEGATORS or token.endswith("n't"):
            left, negator = SCOPE, token
        elif token not in _FUNCTION_WORDS:
            clauses[-1].append((token, negator if left else ""))
            left = max(0, left - 1)
    return [clause for clause in clauses if clause]
