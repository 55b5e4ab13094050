"""Checking a generated answer against the passages it was shown, sentence by sentence.

A sentence is kept when it is supported by the passages its `[n]` markers name: it must name at
least one shown passage; quoted words must be in them verbatim; its numbers, dates and names must
occur in them (or be their speakers); a speaker it attributes words to must be a cited passage's
speaker; and a fitted scorer (`index/verifier_model.json`, `onrecord fit-verifier`) must find its
content in them: the model's similarity between the sentence and the cited sentences, the share of
its words they hold, and whether a negation stands in one but not the other. Every other sentence
is dropped, with the reason."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from core.models import Check
from core.text import sentences, words
from index.keyword import terms
from index.mentions import mentioned_speakers
from index.scorer import Logistic, ModelError

MODEL_FILE = Path(__file__).resolve().with_name("verifier_model.json")
FEATURES = (
    "best_cosine",  # the sentence against the cited sentence most like it
    "top_cosine",  # against the three most like it, on average
    "term_share",  # share of its content terms the cited passages hold
    "best_term_share",  # share that the three most like it hold
    "rare_share",  # share of its terms' rarity (IDF in the library) that the cited passages hold
    "negated_alone",  # it negates, the cited sentences most like it do not
    "affirmed_alone",  # they negate, it does not
)
NEGATED_ALONE = FEATURES.index("negated_alone")
RARE_SHARE = FEATURES.index("rare_share")
# Below this share of its words' weight (IDF) in the cited passages, a sentence is not theirs, however
# like them it reads: on QMSum train this drops 1.2% of the true sentences the other rules pass, and
# 88% of those citing an unrelated passage
RARE_FLOOR = 0.1
ALIGNED = 3  # cited sentences a sentence is compared with most closely
_CITED = r"\d+(?:\s*[,;–-]\s*\d+)*"  # what a marker holds: "2", "1, 3", "2-4"
MARKER = re.compile(rf"\s*\[({_CITED})\]")
_MARKERS_AFTER_END = re.compile(rf"([.!?])\s*((?:\[{_CITED}\]\s*)+)")
_QUOTE = re.compile(r"[\"“”]([^\"“”]{3,}?)[\"“”]")
_NEGATING = r"\b(?:not|never|neither|nor|cannot)\b|n't\b"  # not "none": "five to none"
_NEGATION = re.compile(rf"{_NEGATING}|\bno\b", re.I)
# in speech, "no" alone is mostly an interjection ("no, no, that's right"): it negates before a word
_SPOKEN_NEGATION = re.compile(rf"{_NEGATING}|\bno\s+(?!no\b)[a-z]", re.I)
_NUMBER_WORDS = {  # single number words text2num leaves as words ("one" is left out: "one of them")
    word: str(value)
    for value, word in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    )
    if value != 1
}
# digits glued to letters are names ("mn005", "Eurospeech'01"); an ordinal ("1st", "third") orders
# what is said rather than counting it, unless it is a day of a month ("the 3rd of June")
_NUMBER = re.compile(r"(?<![A-Za-z'’\d.])\d+(?:,\d{3}(?!\d))*(?:[.,]\d+)?(?!\d|st\b|nd\b|rd\b|th\b)")
_ORDINAL = re.compile(r"(?<![A-Za-z'’\d.])(\d+)(?:st|nd|rd|th)\b")
_DATE_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
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


@dataclass(frozen=True)
class Shown:
    """A passage the model was shown as `[n]`: its text and who spoke it."""

    n: int
    text: str
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerifierModel:
    content: Logistic
    threshold: float  # a sentence whose content probability is below this is not supported
    fitted_on: str = ""

    def to_dict(self) -> dict:
        return {"fitted_on": self.fitted_on, "threshold": round(self.threshold, 6), "content": self.content.to_dict()}

    @classmethod
    def from_dict(cls, data: dict) -> VerifierModel:
        try:
            return cls(Logistic.from_dict(data["content"], FEATURES), float(data["threshold"]), str(data["fitted_on"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(
                f"the verifier model is incomplete ({error!r}); refit it: onrecord fit-verifier"
            ) from error

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")


@cache
def default_verifier() -> VerifierModel:
    try:
        return VerifierModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelError(
            f"cannot read the verifier model {MODEL_FILE}: {error}; refit it: onrecord fit-verifier"
        ) from error


Embed = Callable[[Sequence[str]], np.ndarray]  # unit vectors of texts, one row each
Rarity = Callable[[str], float]  # a stemmed term's weight: its IDF in the library


def split_answer(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """The sentences of a generated answer, each without its markers, and the numbers they name
    (ranges such as [2-4] included), in order. A marker standing alone after a sentence's end
    belongs to that sentence."""
    pieces: list[tuple[str, tuple[int, ...]]] = []
    text = _MARKERS_AFTER_END.sub(
        lambda match: f" {match[2].strip()}{match[1]} ", text
    )  # "it.[2] [3]" is "it [2] [3]."
    for raw in sentences(text.strip()):
        numbers: list[int] = []
        for match in MARKER.finditer(raw):
            numbers += _numbers_in(match[1])
        bare = MARKER.sub("", raw).strip()
        if not bare and pieces:  # "[3]" alone: the previous sentence's
            previous, cited = pieces[-1]
            pieces[-1] = (previous, tuple(dict.fromkeys(cited + tuple(numbers))))
        elif bare:
            pieces.append((bare, tuple(dict.fromkeys(numbers))))
    return pieces


def _numbers_in(marker: str) -> list[int]:
    found: list[int] = []
    for part in re.split(r"\s*[,;]\s*", marker):
        ends = [int(value) for value in re.split(r"\s*[–-]\s*", part) if value]
        if len(ends) == 2 and 0 <= ends[1] - ends[0] <= 20:
            found += range(ends[0], ends[1] + 1)
        else:
            found += ends
    return found


def verify(
    text: str,
    shown: Sequence[Shown],
    embed: Embed,
    speakers: Sequence[str] = (),
    model: VerifierModel | None = None,
    rarity: Rarity | None = None,
) -> list[Check]:
    """Each sentence of `text` checked against the shown passages it cites; `speakers` are the
    names a sentence may attribute words to (the shown passages' speakers are always among them)."""
    model = model or default_verifier()
    by_number = {passage.n: passage for passage in shown}
    known = sorted({*speakers, *(name for passage in shown for name in passage.speakers)})
    pieces = split_answer(text)
    checks: list[Check | None] = []
    pending: list[tuple[int, str, list[Shown]]] = []
    for sentence, numbers in pieces:
        cited = [by_number[n] for n in numbers if n in by_number]
        reason = rule_failure(sentence, numbers, cited, by_number, known)
        kept = tuple(passage.n for passage in cited)
        checks.append(None if reason is None else Check(sentence, kept, False, reason))
        if reason is None:
            pending.append((len(checks) - 1, sentence, cited))
    if pending:
        rows = content_features([(sentence, cited) for _, sentence, cited in pending], embed, rarity)
        probabilities = model.content.probability(rows)
        for (position, sentence, cited), probability, row in zip(pending, probabilities, rows, strict=True):
            reason = None if probability >= model.threshold else "the cited passages do not say this"
            if row[RARE_SHARE] < RARE_FLOOR:
                reason = "its distinctive words are not in the cited passages"
            if row[NEGATED_ALONE]:  # the model's similarity hardly tells "agreed" from "did not agree"
                reason = "it negates, where the cited sentences most like it do not"
            checks[position] = Check(sentence, tuple(passage.n for passage in cited), reason is None, reason)
    return [check for check in checks if check is not None]


def rule_failure(
    sentence: str, numbers: tuple[int, ...], cited: list[Shown], by_number: dict[int, Shown], known: Sequence[str]
) -> str | None:
    """Why a sentence fails a check that needs no model, or None."""
    if not numbers:
        return "cites no passage"
    if not cited:
        missing = ", ".join(f"[{n}]" for n in numbers)
        return f"cites {missing}, but only passages {_shown_range(by_number)} were shown"
    source = "\n".join(passage.text for passage in cited)
    folded = _folded(source)
    for quote in _QUOTE.findall(sentence):
        if len(words(quote)) >= 2 and _folded(quote) not in folded:
            return f"quotes “{quote.strip()}”, which the cited passages do not hold"
    held = number_tokens(source)
    for number in number_tokens(sentence) - held:
        return f"gives {number}, which the cited passages do not"
    cited_speakers = {name for passage in cited for name in passage.speakers}
    attributed = attributed_speakers(sentence, known)
    if attributed and not attributed & cited_speakers:
        who = ", ".join(sorted(cited_speakers)) or "no known speaker"
        return f"attributes words to {sorted(attributed)[0]}, but the cited passages are {who}'s"
    present = stems(source + " " + " ".join(known))
    for name in named(sentence):
        if not stems(name) <= present:
            return f"names {name}, whom or which the cited passages do not mention"
    return None


def stems(text: str) -> set[str]:
    """The stemmed, case-folded words of a text; spelled-out acronyms ("L_C_D_") as one word."""
    from core.text import stemmer

    joined = _SPELLED.sub(lambda match: match[1].replace("_", ""), text)
    return set(stemmer().stemWords([word.casefold() for word in words(joined)]))


def _shown_range(by_number: dict[int, Shown]) -> str:
    numbers = sorted(by_number)
    if not numbers:
        return "none"
    return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def _folded(text: str) -> str:
    return " ".join(word.casefold() for word in words(text.replace("’", "'")))


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
    for clause in re.split(r"[;,]\s+(?:and|but|while|whereas)\s+|;\s*", sentence):
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


def named(sentence: str) -> list[str]:
    """Capitalized words after a sentence's first word: the names (people, places, things) it gives."""
    found = []
    sentence = _TITLE.sub("", sentence)  # "Mr. Blaney" names Blaney
    for match in re.finditer(r"(?<=[\w,;)]\s)([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)", sentence):
        name = match[1].removesuffix("'s").removesuffix("’s")
        if name not in _COMMON_CAPITALS:
            found.append(name)
    return found


def content_features(
    pairs: Sequence[tuple[str, Sequence[Shown]]], embed: Embed, rarity: Rarity | None = None
) -> np.ndarray:
    """FEATURES for each (sentence, cited passages): all the texts embedded in one call. `rarity`
    weighs a term (the library's IDF: a word it never holds weighs most); by default all weigh one."""
    cited_sentences = [[piece for passage in cited for piece in sentences(passage.text)] for _, cited in pairs]
    texts = [sentence for sentence, _ in pairs] + [piece for pieces in cited_sentences for piece in pieces]
    vectors = embed(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    rows = []
    offset = len(pairs)
    for position, ((sentence, cited), pieces) in enumerate(zip(pairs, cited_sentences, strict=True)):
        own = vectors[offset : offset + len(pieces)]
        offset += len(pieces)
        cosines = own @ vectors[position] if len(pieces) else np.zeros(0)
        rows.append(_row(sentence, cited, pieces, cosines, rarity or (lambda term: 1.0)))
    return np.array(rows, dtype=np.float64).reshape(len(pairs), len(FEATURES))


def _row(
    sentence: str, cited: Sequence[Shown], pieces: Sequence[str], cosines: np.ndarray, rarity: Rarity
) -> list[float]:
    own_terms = set(terms(sentence))
    if not len(cosines):
        return [0.0, 0.0, 0.0, 0.0, 0.0, float(bool(_NEGATION.search(sentence))), 0.0]
    aligned = np.argsort(-cosines, kind="stable")[:ALIGNED]
    source_terms = set(terms(" ".join(passage.text for passage in cited)))
    aligned_text = " ".join(pieces[i] for i in aligned)
    aligned_terms = set(terms(aligned_text))
    negates, they_negate = bool(_NEGATION.search(sentence)), bool(_SPOKEN_NEGATION.search(pieces[aligned[0]]))
    share = len(own_terms & source_terms) / len(own_terms) if own_terms else 1.0
    best_share = len(own_terms & aligned_terms) / len(own_terms) if own_terms else 1.0
    weight = {term: rarity(term) for term in own_terms}
    total = sum(weight.values())
    rare = sum(weight[term] for term in own_terms & source_terms) / total if total else 1.0
    return [
        float(cosines[aligned[0]]),
        float(cosines[aligned].mean()),
        share,
        best_share,
        rare,
        float(negates and not they_negate),
        float(they_negate and not negates),
    ]
