"""Checking a generated answer against the passages it was shown, sentence by sentence.

A sentence is kept when it is supported by the passages its `[n]` markers name: it must name at
least one shown passage; quoted words must be in them verbatim; its numbers, dates and names must
occur in them (or be their speakers); a speaker it attributes words to must be a cited passage's
speaker; and a fitted scorer (`answer/written/verifier_model.json`, `onrecord fit verifier`) must find its
content in them: the model's similarity between the sentence and the cited sentences, passages and
their whole text, the share of its words (and of their rarity) they hold, and whether the words it
negates are negated there. A sentence that negates what no cited passage negates must pass a higher
bar. A sentence that any shown passage contradicts, cited or not (an outcome against its opposite
or its negation, a word it holds that a passage denies, a decision where the passages only propose:
answer.written.contradiction), is dropped; a clause that says who said it is read against that
speaker's passages. Every other sentence is dropped, with the reason."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from answer.extractive.scorer import Logistic, ModelError
from answer.written.claims import attributed_speakers, clauses, named, negation_scopes, number_tokens, stems
from answer.written.contradiction import contradicting, only_proposed, unheld_refusal
from core.models import Check
from core.text import sentences, words
from index.keyword import terms

MODEL_FILE = Path(__file__).resolve().with_name("verifier_model.json")
_MEASURED = (
    "best_cosine",  # the sentence against the cited sentence most like it
    "top_cosine",  # against the three most like it, on average
    "term_share",  # share of its content terms the cited passages hold
    "best_term_share",  # share that the three most like it hold
    "rare_share",  # share of its terms' rarity (IDF in the library) that the cited passages hold
    "negated_alone",  # it negates, the cited sentences most like it do not
    "affirmed_alone",  # they negate, it does not
    "negation_unheld",  # it negates words that no cited sentence negates
    "negation_contradicted",  # and the cited sentences hold those words, not negated
    "affirmation_contradicted",  # the cited sentences most like it negate words it affirms, and never affirm them
    "source_cosine",  # the sentence against the cited passages' whole text
    "passage_cosine",  # against the cited passage most like it
    "unheld_rarity",  # the rarity of its rarest term the cited passages lack, over that of its rarest term
    "term_count",  # its content terms
    "unheld_count",  # those the cited passages lack
)
# A sentence that negates ("not", "never", "n't"...) is scored with slopes of its own: the model's
# similarity hardly tells "agreed" from "did not agree", so for such a sentence the same cosine or
# share of words means less (on QMSum train this catches more perturbed sentences within the same
# budget of true ones dropped)
FEATURES = (*_MEASURED, "negating", *(f"{name} if negating" for name in _MEASURED))
UNHELD_NEGATION = FEATURES.index("negation_unheld")
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
_VERBAL_NEGATION = re.compile(_NEGATING, re.I)
# in speech, "no" alone is mostly an interjection ("no, no, that's right"): it negates before a word
_SPOKEN_NEGATION = re.compile(rf"{_NEGATING}|\bno\s+(?!no\b)[a-z]", re.I)


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
    negation_threshold: float  # the same, for one that negates what no cited passage negates
    fitted_on: str = ""

    def to_dict(self) -> dict:
        return {
            "fitted_on": self.fitted_on,
            "threshold": round(self.threshold, 6),
            "negation_threshold": round(self.negation_threshold, 6),
            "content": self.content.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> VerifierModel:
        try:
            return cls(
                Logistic.from_dict(data["content"], FEATURES),
                float(data["threshold"]),
                float(data["negation_threshold"]),
                str(data["fitted_on"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(
                f"the verifier model is incomplete ({error!r}); refit it: onrecord fit verifier"
            ) from error

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")


@cache
def default_verifier() -> VerifierModel:
    try:
        return VerifierModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelError(
            f"cannot read the verifier model {MODEL_FILE}: {error}; refit it: onrecord fit verifier"
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
    keep_contested: bool = False,
) -> list[Check]:
    """Each sentence of `text` checked against the shown passages it cites; `speakers` are the
    names a sentence may attribute words to (the shown passages' speakers are always among them).
    A sentence any shown passage contradicts is dropped; with `keep_contested`, one that only a
    passage it does not cite contradicts is kept when its own support holds, its reason saying
    "contested: " and which passage says otherwise, for the writer to say who claimed what."""
    model = model or default_verifier()
    by_number = {passage.n: passage for passage in shown}
    known = sorted({*speakers, *(name for passage in shown for name in passage.speakers)})
    pieces = split_answer(text)
    checks: list[Check | None] = []
    pending: list[tuple[int, str, list[Shown]]] = []
    contested: dict[int, str] = {}
    for sentence, numbers in pieces:
        cited = [by_number[n] for n in numbers if n in by_number]
        reason = rule_failure(sentence, numbers, cited, by_number, known)
        reason = reason or contradiction(sentence, cited, cited if keep_contested else shown, known)
        elsewhere = contradiction(sentence, cited, shown, known) if keep_contested and not reason else None
        if elsewhere:
            contested[len(checks)] = f"contested: {elsewhere}"
        kept = tuple(passage.n for passage in cited)
        checks.append(None if reason is None else Check(sentence, kept, False, reason))
        if reason is None:
            pending.append((len(checks) - 1, sentence, cited))
    if pending:
        rows = content_features([(sentence, cited) for _, sentence, cited in pending], embed, rarity)
        failures = content_failures(rows, model.content.probability(rows), model.threshold, model.negation_threshold)
        for (position, sentence, cited), failure in zip(pending, failures, strict=True):
            reason = CONTENT_REASONS[failure]
            supported = reason is None
            reason = contested.get(position) if supported else reason
            checks[position] = Check(sentence, tuple(passage.n for passage in cited), supported, reason)
    return [check for check in checks if check is not None]


CONTENT_REASONS = (
    None,
    "its distinctive words are not in the cited passages",
    "it negates what the cited passages do not",
    "the cited passages do not say this",
)


def content_failures(
    rows: np.ndarray, probabilities: np.ndarray, threshold: float, negation_threshold: float
) -> np.ndarray:
    """For each sentence (its FEATURES and the scorer's probability), 0 when the cited passages hold
    its content, else the position of the reason in CONTENT_REASONS: too few of its distinctive words
    there; a negation they do not hold, which needs more support (the model's similarity hardly tells
    "agreed" from "did not agree"); or too low a probability."""
    failures = np.zeros(len(rows), dtype=int)
    failures[probabilities < threshold] = 3
    failures[(rows[:, UNHELD_NEGATION] > 0) & (probabilities < max(threshold, negation_threshold))] = 2
    failures[rows[:, RARE_SHARE] < RARE_FLOOR] = 1
    return failures


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
    unheld = unheld_claim(sentence, source, known)
    if unheld:
        return unheld
    cited_speakers = {name for passage in cited for name in passage.speakers}
    attributed = attributed_speakers(sentence, known)
    if attributed and not attributed & cited_speakers:
        who = ", ".join(sorted(cited_speakers)) or "no known speaker"
        return f"attributes words to {sorted(attributed)[0]}, but the cited passages are {who}'s"
    return None


def contradiction(sentence: str, cited: Sequence[Shown], shown: Sequence[Shown], known: Sequence[str]) -> str | None:
    """Why a sentence is contradicted by a passage the model was shown, cited or not, or None: it
    states an outcome a passage states the opposite of. A clause that attributes words to a speaker
    ("X said the budget had passed") is read against that speaker's passages alone: it reports them.
    A decision stated where the cited passages only propose it, and no shown passage settles
    anything, is read as more than they say; a refusal, a deferral or a failure where they refuse or
    negate nothing, as what they do not say."""
    said = [_flat(passage.text) for passage in cited]
    for clause in clauses(sentence):
        who = attributed_speakers(clause, known)
        passages = [(passage.n, passage.text) for passage in shown if not who or who & set(passage.speakers)]
        # a clause quoted from a passage it cites is that speaker's words: a word another passage
        # denies ("does not know") is no contradiction of it; an outcome still is
        quoted = any(_flat(clause) in text for text in said)
        found = contradicting(clause, passages, outcomes_only=quoted)
        if found:
            return f"passage [{found[0]}] says otherwise: “{found[1].strip()}”"
    cited_texts = [passage.text for passage in cited]
    proposal = only_proposed(sentence, cited_texts, [passage.text for passage in shown])
    if proposal:
        return f"it states a decision, but the passages only propose it: “{proposal.strip()}”"
    refused = unheld_refusal(sentence, cited_texts)
    if refused:
        return f"it says “{refused}”, but the cited passages refuse, defer or negate nothing"
    return None


def _flat(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", text.casefold()))


def unheld_claim(sentence: str, source: str, known: Sequence[str]) -> str | None:
    """A number, date or name the sentence gives that the source does not hold (a name may be one of
    the `known` speakers), said as a reason; None when it holds them all."""
    for number in sorted(number_tokens(sentence) - number_tokens(source)):
        return f"gives {number}, which the cited passages do not"
    present = stems(source + " " + " ".join(known))
    for name in named(sentence):
        if not stems(name) <= present:
            return f"names {name}, whom or which the cited passages do not mention"
    return None


def _shown_range(by_number: dict[int, Shown]) -> str:
    numbers = sorted(by_number)
    if not numbers:
        return "none"
    return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def _folded(text: str) -> str:
    return " ".join(word.casefold() for word in words(text.replace("’", "'")))


def _negation_row(sentence: str, pieces: Sequence[str], aligned: np.ndarray) -> list[float]:
    """negation_unheld, negation_contradicted and affirmation_contradicted (_MEASURED)."""
    negated, affirmed = negation_scopes(sentence)
    scopes = [negation_scopes(piece) for piece in pieces]
    held_negated = set().union(*(scope[0] for scope in scopes))
    held_affirmed = set().union(*(scope[1] for scope in scopes))
    near_negated = set().union(*(scopes[i][0] for i in aligned)) - held_affirmed
    unheld = bool(negated) and not negated & held_negated
    return [float(unheld), float(unheld and bool(negated & held_affirmed)), float(bool(affirmed & near_negated))]


def content_features(
    pairs: Sequence[tuple[str, Sequence[Shown]]], embed: Embed, rarity: Rarity | None = None
) -> np.ndarray:
    """FEATURES for each (sentence, cited passages): all the texts embedded in one call (the sentence,
    the cited sentences, the cited passages and their whole text). `rarity` weighs a term (the
    library's IDF: a word it never holds weighs most); by default all weigh one."""
    groups = [
        [sentence, " ".join(passage.text for passage in cited), *(passage.text for passage in cited), *pieces]
        for sentence, cited in pairs
        for pieces in [[piece for passage in cited for piece in sentences(passage.text)]]
    ]
    texts = [text for group in groups for text in group]
    vectors = embed(texts) if texts else np.zeros((0, 0), dtype=np.float32)
    rows = []
    offset = 0
    for (sentence, cited), group in zip(pairs, groups, strict=True):
        own = vectors[offset : offset + len(group)]
        offset += len(group)
        cosines = own[1:] @ own[0]
        measured = _row(sentence, cited, group[2 + len(cited) :], cosines, rarity or (lambda term: 1.0))
        negating = float(bool(_VERBAL_NEGATION.search(sentence)))
        rows.append([*measured, negating, *(value * negating for value in measured)])
    return np.array(rows, dtype=np.float64).reshape(len(pairs), len(FEATURES))


def _row(
    sentence: str, cited: Sequence[Shown], pieces: Sequence[str], cosines: np.ndarray, rarity: Rarity
) -> list[float]:
    """_MEASURED; `cosines` are the sentence's against the whole cited text, each cited passage, and
    each cited sentence (`pieces`), in that order."""
    own_terms = set(terms(sentence))
    weight = {term: rarity(term) for term in own_terms}
    all_weights = list(weight.values())
    if not pieces:
        negates = float(bool(_NEGATION.search(sentence)))
        return [0.0] * 5 + [negates, 0.0, negates, 0.0, 0.0, 0.0, 0.0] + _lacking_row(all_weights, all_weights)
    whole, by_passage, cosines = cosines[0], cosines[1 : 1 + len(cited)], cosines[1 + len(cited) :]
    aligned = np.argsort(-cosines, kind="stable")[:ALIGNED]
    source_terms = set(terms(" ".join(passage.text for passage in cited)))
    aligned_terms = set(terms(" ".join(pieces[i] for i in aligned)))
    negates, they_negate = bool(_NEGATION.search(sentence)), bool(_SPOKEN_NEGATION.search(pieces[aligned[0]]))
    share = len(own_terms & source_terms) / len(own_terms) if own_terms else 1.0
    best_share = len(own_terms & aligned_terms) / len(own_terms) if own_terms else 1.0
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
        *_negation_row(sentence, pieces, aligned),
        float(whole),
        float(by_passage.max()),
        *_lacking_row([weight[term] for term in own_terms - source_terms], all_weights),
    ]


def _lacking_row(lacking: list[float], rarities: list[float]) -> list[float]:
    """unheld_rarity, term_count and unheld_count (_MEASURED), from the rarities of the terms the
    cited passages lack and of all the sentence's terms: ratios and counts, whatever the library's size."""
    rarest = max(rarities, default=0.0)
    return [max(lacking, default=0.0) / rarest if rarest else 0.0, float(len(rarities)), float(len(lacking))]
