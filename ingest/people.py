"""People behind speaker names: a name without its titles and roles, and the names of one library
that are one person ("Chair Helen Marsh", "Helen Marsh", "Councillor Marsh" when no other Marsh speaks)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from core.text import one_line
from ingest.speakers import base_label

# Words before a name that say what a person is, not who ("Councillor", "Dr.", "Vice Chair").
TITLES = frozenset(
    (
        "councillor", "councilor", "councilman", "councilwoman", "alderman", "alderwoman", "alder", "member",
        "mayor", "deputy", "chair", "chairman", "chairwoman", "chairperson", "vice", "commissioner", "trustee",
        "director", "judge", "justice", "senator", "representative", "rep", "assemblymember", "supervisor",
        "superintendent", "president", "secretary", "treasurer", "clerk", "minister", "governor", "speaker", "dr",
        "doctor", "professor", "prof", "mr", "mrs", "ms", "miss", "mx", "sir", "dame", "madam", "madame", "lord",
        "lady", "hon", "honourable", "honorable", "officer", "sergeant", "sgt", "captain", "capt", "detective",
        "inspector", "chief", "lieutenant", "lt", "agent", "pastor", "father", "reverend", "rev", "coach", "nurse",
        "principal", "ambassador", "colonel", "cabinet",
    )
)  # fmt: skip
_TITLE_WORD = re.compile(r"^([^\W\d_][\w'’-]*)\.?$")


_LABEL = re.compile(
    r"^(?:\d{1,3}|s[_ -]?\d{1,3}|\?+|"
    r"(?:speaker|spk|spkr|participant|person|voice|unknown(?: speaker)?|unidentified(?: speaker)?|caller|guest)"
    r"(?:[\s_#.-]*(?:\d{1,3}|[a-z]))?)$",
    re.IGNORECASE,
)


def is_label(speaker: str | None) -> bool:
    """Whether a speaker is a diarizer's label rather than a name: SPEAKER_00, Speaker 1, spk_2, "3",
    "Unknown", "Speaker A", "S1"."""
    return bool(speaker) and bool(_LABEL.match(" ".join(str(speaker).split())))


@dataclass(frozen=True)
class Merge:
    """Speaker names that are one person, with the reason in words."""

    person: str  # the fullest name, e.g. "Helen Marsh"
    names: tuple[str, ...]  # the speaker names that are this person
    evidence: str  # why, in words


def is_title(word: str) -> bool:
    match = _TITLE_WORD.match(word)
    return bool(match) and match[1].casefold() in TITLES


def person_of(name: str) -> str:
    """A name without titles, roles and a parenthesised constituency: "Chair Helen Marsh (Harbour Ward)"
    -> "Helen Marsh". A name that is all titles ("Madam Mayor") comes back as written."""
    text = base_label(one_line(name))
    head, comma, _role = text.partition(",")
    words = (head if comma and head.strip() else text).split()
    start = 0
    while start < len(words) and is_title(words[start]):
        start += 1
    return " ".join(words[start:]) or text


def name_parts(name: str) -> tuple[str, str]:
    """(first name, surname) of a person's name, casefolded; one word is a surname after a title
    ("Councillor Marsh") and a first name otherwise ("Helen")."""
    words = person_of(name).split()
    if not words:
        return "", ""
    if len(words) == 1:
        titled = name.split()[0] != words[0] and is_title(name.split()[0])
        return ("", words[0].casefold()) if titled else (words[0].casefold(), "")
    return words[0].casefold(), words[-1].casefold()


def same_people(names: Iterable[str]) -> list[Merge]:
    """Suggested merges over the speaker names of a library: only groups of two names or more.

    Names with the same name once titles and roles are taken away are one person; a surname after a
    title ("Councillor Marsh") or a first name alone ("Helen") joins the one full name it fits, and
    none when two full names fit it (two Marshes speak)."""
    ordered = list(dict.fromkeys(one_line(name) for name in names if name and one_line(name) and not is_label(name)))
    groups: dict[str, list[str]] = {}
    for name in ordered:
        groups.setdefault(person_of(name).casefold(), []).append(name)
    full = {key: group for key, group in groups.items() if len(key.split()) > 1}
    merges: dict[str, tuple[list[str], list[str]]] = {key: (group, []) for key, group in full.items()}
    for key, group in groups.items():
        if key in full:
            continue
        first, surname = name_parts(group[0])
        fits = [other for other in full if _fits_full_name(other, first, surname)]
        if len(fits) == 1:
            merges[fits[0]][0].extend(group)
            merges[fits[0]][1].append(_partial_reason(first, surname, group[0]))
        else:
            merges[key] = (group, [])
    return [
        Merge(_fullest_name(group), tuple(group), _merge_reason(group, partial))
        for group, partial in merges.values()
        if len(group) > 1
    ]


def _fits_full_name(full_key: str, first: str, surname: str) -> bool:
    words = full_key.split()
    return (bool(surname) and words[-1] == surname) or (bool(first) and words[0] == first)


def _partial_reason(first: str, surname: str, name: str) -> str:
    which = "surname" if surname else "first name"
    return f"{name!r}: same {which}, no other {person_of(name)} speaks"


def _merge_reason(group: list[str], partial: list[str]) -> str:
    titled = [name for name in group if person_of(name) != name]
    reasons = []
    if titled and len({person_of(name).casefold() for name in group}) < len(group):
        reasons.append("same full name with a title or role")
    return "; ".join(reasons + partial) or "same full name"


def _fullest_name(group: list[str]) -> str:
    return max((person_of(name) for name in group), key=lambda person: (len(person.split()), len(person)))


@dataclass(frozen=True)
class Mention:
    """A person's name as written in a sentence, with its place there."""

    form: str  # as written, titles included: "Councillor Adeyemi"
    start: int
    end: int


_TOKEN = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
_ABBREVIATED = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "rev", "sgt", "capt", "lt", "hon", "st"})
_PARTICLES = frozenset(
    {"de", "da", "van", "von", "der", "den", "bin", "ibn", "al", "el", "la", "le", "del", "di", "du"}
)
MAX_NAME_WORDS = 5
_CAMEL_TITLES = re.compile(r"^(?:madam|mister|mr|ms)(?:chair|speaker|president|mayor)$", re.IGNORECASE)
PLACE_WORDS = frozenset(
    (
        "road", "street", "lane", "avenue", "drive", "close", "way", "square", "park", "bridge", "hall", "centre",
        "center", "library", "school", "college", "university", "council", "committee", "board", "office",
        "department", "city", "county", "town", "village", "river", "lake", "bay", "harbour", "harbor", "station",
        "house", "court", "building", "plaza", "street", "ward", "district", "hospital", "church", "market",
    )
)  # fmt: skip


def mentions(sentence: str, ordinary: frozenset[str] = frozenset()) -> list[Mention]:
    """The names of people in a sentence: runs of capitalised words (or words of a script without
    case, such as Arabic or Chinese), titles included, that are not function words nor `ordinary`
    words (words the same text writes in lower case)."""
    found: list[Mention] = []
    run: list[re.Match[str]] = []
    for token in [*_TOKEN.finditer(sentence), None]:
        if token is not None and _joins(sentence, run, token, ordinary):
            run.append(token)
            continue
        mention = _mention_of_run(sentence, run)
        if mention:
            found.append(mention)
        run = [token] if token is not None and _name_word(token[0], ordinary) else []
    return found


def _name_word(word: str, ordinary: frozenset[str]) -> bool:
    first = word[0]
    if first.islower() or (word.isupper() and len(word) > 1):  # an acronym ("HESA") is no name
        return False
    folded = word.casefold().replace("’", "'")
    return folded not in _not_names() and folded not in ordinary or is_title(word)


def _joins(sentence: str, run: list[re.Match[str]], token: re.Match[str], ordinary: frozenset[str]) -> bool:
    if not run or len(run) >= MAX_NAME_WORDS:
        return False
    gap = sentence[run[-1].end() : token.start()]
    abbreviated = gap.startswith(".") and run[-1][0].casefold() in _ABBREVIATED
    if gap != " " and not (abbreviated and gap.strip() == "."):
        return False
    return _name_word(token[0], ordinary) or (token[0] in _PARTICLES)


def _mention_of_run(sentence: str, run: list[re.Match[str]]) -> Mention | None:
    while run and run[-1][0] in _PARTICLES:
        run = run[:-1]
    if not run or all(is_title(token[0]) for token in run):
        return None
    start, end = run[0].start(), run[-1].end()
    if run[-1][0].endswith(("'s", "’s")):
        return None
    if len(run) > 1 and run[-1][0].casefold() in PLACE_WORDS and not is_title(run[0][0]):
        return None  # "Station Road", "Harbour Street": a place, not a person
    if is_title(run[-1][0]) or _CAMEL_TITLES.match(run[-1][0]):
        return None  # "Cabinet Secretary", "Madam Chair", "MadamChair": a role
    return Mention(sentence[start:end], start, end)


@cache
def _not_names() -> frozenset[str]:
    from core.text import COUNTING, LARGE, MONTHS, ORDINALS, TENS, WEEKDAYS, stop_words

    numbers = {*COUNTING, *TENS, *LARGE, *ORDINALS}
    spelled = {f"{tens}-{unit}" for tens in TENS for unit in COUNTING[1:10]}
    return frozenset(stop_words()) | set(MONTHS) | set(WEEKDAYS) | numbers | spelled | _COMMON


_COMMON = frozenset(
    (
        "i", "i'm", "i'll", "i've", "i'd", "okay", "ok", "yes", "yeah", "yep", "yup", "no", "nope", "thanks",
        "thank", "hi", "hello", "hey", "good", "great", "sure", "right", "well", "um", "uh", "oh", "ah", "alright",
        "sorry", "please", "welcome", "morning", "evening", "afternoon", "everyone", "everybody", "anyone",
        "anybody", "someone", "sir", "madam", "god", "here", "present", "second", "seconded", "aye", "nay",
        "opposed", "agreed", "correct", "absolutely", "exactly", "perfect", "fine", "cool", "awesome", "nice",
        "wow", "true", "indeed", "noted", "understood", "done", "next", "questions", "question", "anything",
        "nothing", "english", "french", "spanish", "american", "canadian", "british",
        "german", "japanese", "chinese", "italian", "russian", "dutch", "european", "african", "asian", "indian",
        "korean", "portuguese", "arabic", "swedish", "norwegian", "danish", "polish", "irish", "scottish", "welsh",
        "mexican", "brazilian", "australian", "mm", "hmm", "mhm", "uh-huh",
        "cheers", "bye", "goodbye", "similarly", "anyway", "however", "actually", "basically", "honestly",
        "obviously", "clearly", "finally", "firstly", "secondly", "additionally", "also", "meanwhile", "otherwise",
        "presumably", "hopefully", "unfortunately", "fortunately", "interestingly", "again", "listen", "look",
        "see", "wait", "start", "stop", "congratulations", "apologies", "diolch", "therefore",
        "thus", "hence", "still", "yet",
        "team", "folks", "guys", "friends", "people", "ladies", "gentlemen", "colleagues", "members", "all",
    )
)  # fmt: skip
