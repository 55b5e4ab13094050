"""A follow-up question read against its thread (the earlier questions and the answers On Record gave)
into a question that stands alone, before anything is retrieved: a pronoun or an ellipsis takes its
referent from the thread, and the thread's meeting carries over unless the follow-up names another."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from answer.question.meetings import match_score, meeting_words, named_in
from answer.question.scope import REQUEST_WORDS, meeting_phrase
from core.errors import OnRecordError, QueryError
from core.models import Answer, Filters, Meeting
from core.text import MONTHS, stop_words, words
from ingest.labels import topic_terms

MAX_TURNS = 20  # the last turns of a thread within these are read; older ones are left out
MAX_CHARS = 20_000


@dataclass(frozen=True)
class Exchange:
    """One earlier turn of the thread, oldest first: the question, the answer On Record gave and the
    meetings and speakers its citations named."""

    question: str
    answer: str = ""
    meetings: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """How a follow-up was read: the question answered, the filters it is answered with, whether it
    differs from the question asked, a notice of turns left out, and whether it had nothing to refer to."""

    standalone: str
    filters: Filters
    changed: bool
    notice: str | None
    unresolved: bool = False


def exchange_from(answer: Answer) -> Exchange:
    """The turn of a thread that an answer makes: its question, text, and the meetings and speakers it
    cites (the question alone for a refusal)."""
    meetings = [*(m.meeting_id for m in answer.meetings), *(c.hit.chunk.meeting_id for c in answer.citations)]
    speakers = [speaker for citation in answer.citations for speaker in citation.speakers]
    asked = answer.standalone or answer.question  # as read: a later follow-up refers to what it was about
    if answer.abstained:  # a refusal's passages are the nearest, not what answered it
        return Exchange(asked)
    return Exchange(asked, answer.text, tuple(dict.fromkeys(meetings)), tuple(dict.fromkeys(speakers)))


def history_from(rows: object) -> tuple[Exchange, ...]:
    """A thread from JSON-like rows, oldest first: [{"question": ..., "answer": ..., "meetings"?: [...],
    "speakers"?: [...]}, ...]; a row's "standalone" (the question as On Record read it), when given, is
    read in place of its question. A QueryError names a row that is not such an object."""
    if rows is None:
        return ()
    if not isinstance(rows, list | tuple):
        raise QueryError(
            f"history must be a list of earlier turns, not {type(rows).__name__}; "
            'send [{"question": "...", "answer": "..."}, ...], oldest first'
        )
    return tuple(_exchange(row, number) for number, row in enumerate(rows, 1))


def _exchange(row: object, number: int) -> Exchange:
    if isinstance(row, Exchange):
        return row
    question = row.get("standalone") or row.get("question") if isinstance(row, dict) else None
    if not isinstance(question, str) or not question.strip():
        raise QueryError(
            f"history turn {number} has no question; each turn needs "
            '{"question": "...", "answer": "..."} (answer, meetings and speakers are optional)'
        )
    answer = row.get("answer") or ""
    if not isinstance(answer, str):
        raise QueryError(f"history turn {number}'s answer is {type(answer).__name__}; give the answer as text")
    cited = row.get("citations") or []  # an answer's JSON sent back whole: the meetings and speakers it cites
    if not isinstance(cited, list) or not all(isinstance(citation, dict) for citation in cited):
        raise QueryError(f"history turn {number}'s citations must be a list of objects, as an answer gives them")
    meetings = [*_name_list(row, "meetings", number), *(str(c["meeting_id"]) for c in cited if c.get("meeting_id"))]
    speakers = [*_name_list(row, "speakers", number), *(str(s) for c in cited for s in c.get("speakers") or [])]
    return Exchange(question.strip(), answer, tuple(dict.fromkeys(meetings)), tuple(dict.fromkeys(speakers)))


def _name_list(row: dict, key: str, number: int) -> tuple[str, ...]:
    """Names given as a list of text or, as an answer's JSON gives its meetings, of objects with a "meeting_id"."""
    value = row.get(key) or []
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple):
        value = [item.get("meeting_id") if isinstance(item, dict) else item for item in value]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise QueryError(f'history turn {number}\'s {key} must be a list of names; send ["..."] or leave it out')
    return tuple(value)


def kept_turns(history: Sequence[Exchange]) -> tuple[tuple[Exchange, ...], str | None]:
    """The last turns within MAX_TURNS and MAX_CHARS (the last one cut to them), and a notice saying so
    when any were left out."""
    kept: list[Exchange] = []
    size = 0
    for exchange in reversed(history[-MAX_TURNS:]):
        size += len(exchange.question) + len(exchange.answer)
        if size > MAX_CHARS:
            if not kept:  # the last turn alone is over the limit: its start is read
                kept.append(replace(exchange, answer=exchange.answer[: max(MAX_CHARS - len(exchange.question), 0)]))
            break
        kept.append(exchange)
    kept.reverse()
    if len(kept) == len(history) and size <= MAX_CHARS:
        return tuple(kept), None
    return tuple(kept), (
        f"Read against the last {len(kept)} turn{'s' if len(kept) != 1 else ''} of the thread "
        f"({len(history)} given; at most {MAX_TURNS} turns and {MAX_CHARS:,} characters are read)."
    )


def read_followup(
    question: str,
    history: Sequence[Exchange],
    filters: Filters,
    names: Sequence[Meeting] = (),
    occurs: Callable[[str, str], bool] | None = None,
    rewriter: Callable[[list[dict[str, str]]], str] | None = None,
) -> Reading:
    """The follow-up `question` read against `history` (oldest first) into a question that stands alone,
    with `filters` and the thread's meeting carried over unless the user's filters or the follow-up's
    words name a meeting; `names` are the library's meetings (their titles, dates and speakers);
    `occurs(term, meeting_id)`, whether a stemmed term occurs in a meeting, keeps a question that
    stands alone on a subject of its own from being narrowed to the thread's meeting. With `rewriter` (the
    user's language model: chat messages in, text out), a follow-up that needs its thread is rewritten by
    the model, and the rewrite is used when it passes `checked_rewrite`."""
    asked = " ".join(question.split())
    kept, notice = kept_turns(history)
    if not kept:
        return Reading(asked, filters, False, notice, unresolved=needs_referent(asked))
    known = {meeting.meeting_id for meeting in names}
    cited = (meeting for exchange in reversed(kept) for meeting in exchange.meetings[:1])
    thread_meeting = next((m for m in cited if not names or m in known), None)
    target = _meeting_asked(asked, names, thread_meeting)
    said_there = _said_in(asked, thread_meeting, occurs)
    if refers_back(asked, kept, names, said_there):
        standalone = resolved(asked, kept, names)
        if rewriter is not None:
            standalone = model_rewrite(asked, kept, rewriter) or standalone
    else:  # it stands alone: left as it is, narrowed to the thread's meeting only when its words are there
        standalone = asked
        if target == thread_meeting and not said_there:
            target = None
    if target and not filters.meetings:
        filters = replace(filters, meetings=(target,))
    return Reading(standalone, filters, standalone != asked, notice)


def _meeting_asked(asked: str, names: Sequence[Meeting], thread_meeting: str | None) -> str | None:
    """The meeting a follow-up is about: the one its words name when that is not the thread's, else the thread's."""
    by_id = {meeting.meeting_id: meeting for meeting in names}
    current = by_id.get(thread_meeting) if thread_meeting else None
    named = named_in(asked, names, current.title if current else "")
    if named is None or current is None:
        return named.meeting_id if named else thread_meeting
    phrase = " ".join(meeting_words(asked, names))
    return named.meeting_id if match_score(phrase, named) > match_score(phrase, current) else thread_meeting


def _said_in(asked: str, meeting_id: str | None, occurs: Callable[[str, str], bool] | None) -> bool:
    """Whether at least half the question's own words occur in the meeting (True when that cannot be told)."""
    if meeting_id is None or occurs is None:
        return True
    terms = topic_terms(" ".join(own_words(asked)))
    return not terms or 2 * sum(occurs(term, meeting_id) for term in terms) >= len(terms)


_QUESTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        "what when where who whom whose which why how is are was were do does did will would can could should shall "
        "may might must has have had be been being much many long about and so but then also only not else instead "
        "one ones other others first second last same yes anything something thing things exactly really still just "
        "what's who's where's how's isn't aren't wasn't didn't doesn't don't won't me my we our you your",
    ),
)
_PRONOUNS = frozenset(
    re.findall(r"\S+", "it its itself they them their theirs he him his she her hers those these this that")
)
_REFERS = re.compile(
    r"\b(?:it|its|itself|they|them|their|theirs|he|him|his|she|her|hers|those|these|there|instead|both|either|"
    r"meantime|(?:the\s+)?(?:other|first|second|third|last|same)\s+(?:one|ones)|[\w-]+\s+one|the\s+rest|"
    r"(?:that|this)(?=\s*(?:[?.!,]|$|\s+(?:for|to|on|in|at|of|with|about|from|by|\w+ed|is|was|mean|happen)\b)))\b",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(?:and|but|so|then|also|or|ok(?:ay)?|well|now)\b[\s,]*", re.IGNORECASE)
_WHAT_ABOUT = re.compile(r"^(?:(?:and|so|but)\s+)?(?:what|how)\s+about\s+(.+?)[\s?.!]*$", re.IGNORECASE)
_AND_ONLY = re.compile(r"^(?:and|but|or)\s+(.+?)[\s?.!]*$", re.IGNORECASE)
_DEFINITE = re.compile(r"\bthe\s+[a-z]", re.UNICODE)
_ABOUT = re.compile(r"\b(?:about|regarding|concerning)\s+(?!\()(.+)$", re.IGNORECASE)
_CARRIED = re.compile(r"\(about ([^();]+)[);]")
_CUT = re.compile(
    rf"\s+(?:(?:at|in|during|from|for|before|after|since|by)\s+(?:the|its|their|a)\b|(?:in|at|on|during|from)\s+"
    rf"(?:{'|'.join(MONTHS)})\b).*$",
    re.IGNORECASE,
)  # where an earlier question's subject ends: the meeting or the month it named
_MARKERS = re.compile(r"\s*\\?\[\d+\\?\]")
_LABEL = re.compile(r"(?:^|(?<=[.!?]\s))[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}:\s+")
GIST_WORDS = 16  # of the previous answer, read into a "why?" that asks about it
# "that", "those", "the first one": what the last answer said, more than what was asked
_DEMONSTRATIVE = re.compile(
    r"\b(?:those|these|(?:that|this)(?=\s*[?.!,]*$)|(?:the\s+)?(?:other|first|second|third|last)\s+(?:one|ones))\b",
    re.IGNORECASE,
)


def _bare_why(text: str) -> bool:
    return bool(re.match(r"^\W*why\b", text, re.IGNORECASE)) and len(own_words(text)) <= 2


def own_words(question: str) -> list[str]:
    """The words of a question that say what it is about: neither function, question nor pointing words."""
    stop = stop_words()
    return [
        word for word in words(question) if len(word) > 1 and word.casefold() not in stop | _QUESTION_WORDS | _PRONOUNS
    ]


_POINTING = re.compile(
    r"^\W*(?:why|and|but|so|or|how\s+come|(?:what|how)\s+about)\b|\b(?:it|that|this|those|these|they|them|he|him|she|her|"
    r"one|ones)\b|^\W*(?:how\s+(?:much|many|long|often|so)|when|where|who|which|what)\W*$",
    re.IGNORECASE,
)


def needs_referent(asked: str) -> bool:
    """Whether a question has no word of its own and points back ("Why?", "And the other one?", "Who did
    it?"): with nothing before it, it cannot be answered ("Who won?" and "Who was there?" can)."""
    return not own_words(asked) and bool(_POINTING.search(asked))


def refers_back(asked: str, kept: Sequence[Exchange], names: Sequence[Meeting], said_there: bool = True) -> bool:
    """Whether a follow-up needs its thread: a pronoun, a bare "why?" or few words of its own; else, when
    it names a subject of its own (a name or number), only when it starts with "and", "so"...; else
    when its words are said in the thread's meeting (`said_there`). Never when it brings a name or
    number that the thread never mentioned (a new subject)."""
    own = own_words(asked)
    if _REFERS.search(asked) or len(own) <= 1 or re.match(r"^\W*why\b", asked, re.IGNORECASE) and len(own) <= 2:
        return True
    thread_text = " ".join(f"{e.question} {e.answer}" for e in kept).casefold()
    people = {part.casefold() for meeting in names for name in meeting.speakers for part in words(name)}
    particular = [w for w in own if (w[:1].isupper() or w[:1].isdigit()) and w.casefold() not in people]
    if any(word.casefold() not in thread_text for word in particular):
        return False
    return bool(_LEAD.match(asked)) or not particular and said_there


def subject_of(question: str) -> str:
    """The subject of an earlier question, as written: what it asked "about", else its words past the
    question and request words ("How many cyclists use Harbour Street?": "cyclists use Harbour Street")."""
    if carried := _CARRIED.search(question):
        return carried[1].strip()
    text = question.strip().rstrip("?.! ")
    if phrase := meeting_phrase(text):
        text = text.replace(phrase, " ")
    if about := _ABOUT.search(text):
        text = about[1]
    text = _CUT.sub("", text).strip(" ,")
    tokens = text.split()
    drop = stop_words() | _QUESTION_WORDS
    start = 0
    while start < len(tokens) and (_bare(tokens[start]) in drop or _stem(tokens[start]) in REQUEST_WORDS):
        start += 1
    kept = tokens[start:]
    if kept and start and _bare(tokens[start - 1]) == "the":
        kept.insert(0, "the")
    return " ".join(kept)


def _bare(token: str) -> str:
    return re.sub(r"\W", "", token.casefold().replace("'s", ""))


def _stem(token: str) -> str:
    terms = topic_terms(token)
    return terms[0] if terms else ""


def person_in(text: str, names: Sequence[Meeting]) -> tuple[str, str] | None:
    """The speaker a text names, as (the words naming them, their name without a title)."""
    for meeting in names:
        for name in meeting.speakers:
            plain = _plain_name(name)
            parts = [part for part in plain.split() if len(part) > 2 and part[:1].isupper()]
            for surface in dict.fromkeys([plain, *parts[::-1]]):
                if surface and re.search(rf"\b{re.escape(surface)}\b", text):
                    return surface, plain
    return None


def person_of(kept: Sequence[Exchange], names: Sequence[Meeting]) -> str | None:
    """Who "he" or "she" is: the last person an earlier question named, else the first its answer cited."""
    for exchange in reversed(kept):
        if found := person_in(exchange.question, names):
            return found[1]
        if exchange.speakers:
            return _plain_name(exchange.speakers[0])
    return None


def _plain_name(name: str) -> str:
    """A speaker's name without a title before it ("Councillor Dave Kowalski": "Dave Kowalski")."""
    parts = name.split()
    return " ".join(parts[-2:]) if len(parts) > 2 else name


def _gist(answer: str) -> str:
    text = _LABEL.sub("", _MARKERS.sub("", answer))
    return " ".join(text.split()[:GIST_WORDS]).rstrip(".,;:")


def resolved(asked: str, kept: Sequence[Exchange], names: Sequence[Meeting]) -> str:
    """A follow-up that needs its thread, written out: "And X?" as the earlier question about X; "he",
    "she" as the person the thread named; "it" as the earlier question's subject; otherwise the subject
    (and for a "why?", what the earlier answer said) added after it."""
    previous = kept[-1]
    subject, source = next(((found, e.question) for e in reversed(kept) if (found := subject_of(e.question))), ("", ""))
    other = _WHAT_ABOUT.match(asked) or _AND_ONLY.match(asked)
    if other and not re.match(rf"^(?:{'|'.join(_QUESTION_WORDS)}|if|in|at|for|with)\b", other[1], re.IGNORECASE):
        instead = other[1]
        before, now = person_in(source, names), person_in(instead, names)
        if before and now:  # "And Grace?": the earlier question asked of another person
            return source.replace(before[0], instead, 1)
        asked_about = (e.question for e in reversed(kept) if "(" not in e.question and _ABOUT.search(e.question))
        if template := next(asked_about, None):  # "And the library hours?": the last question asked "about" X
            return template.replace(subject_of(template), instead, 1)
        if instead.casefold().startswith("the "):  # "And the daily rate?": the last question of "the" thing
            of_the = (e.question for e in reversed(kept) if "(" not in e.question)
            if template := next((q for q in of_the if subject_of(q).startswith("the ")), None):
                return template.replace(subject_of(template), instead, 1)
        return f"What about {instead}" + (f" (about {subject})?" if subject else "?")
    text = _LEAD.sub("", asked).strip()
    text = text[:1].upper() + text[1:]
    if person := person_of(kept, names):
        text = re.sub(r"\b(?:he|she)\b", person, text, count=1, flags=re.IGNORECASE)
        text = re.sub(r"\b(?:him|her)\b(?=\s*[?.!]|\s+(?:say|said|think|want|do)\b|$)", person, text, count=1)
    if previous.answer and (_DEMONSTRATIVE.search(text) or _bare_why(text)):  # what the last answer said
        gist = _gist(previous.answer)
        about = f"about {subject}; " if subject else ""
        return f"{text.rstrip('?.! ')} ({about}the answer was: {gist})?"
    if not subject or subject.casefold() in text.casefold():
        return text
    if subject.startswith("the "):  # a noun phrase: it takes the pronoun's place
        replaced = re.sub(r"\bit\b|\b(?:that|this)(?=\s*[?.!]*$)", subject, text, count=1)
        if replaced != text:
            return replaced
    return f"{text.rstrip('?.! ')} (about {subject})?"


REWRITE_ASKED = (
    "Rewrite the last question of a conversation about meeting transcripts so that it can be understood "
    "without the conversation: replace each pronoun with what it refers to and fill in what the question "
    "leaves out, using words from the earlier turns. Keep every word of the question itself. Add nothing "
    "the conversation does not say. Reply with the rewritten question alone, on one line."
)
SHOWN_TURNS = 4  # the earlier turns a model is shown
SHOWN_ANSWER = 600  # characters of each earlier answer shown
MAX_REWRITE = 200  # characters: a rewrite twice as long is no question


def rewrite_prompt(asked: str, kept: Sequence[Exchange]) -> list[dict[str, str]]:
    """The chat that asks a language model for a follow-up's standalone question."""
    turns = "\n\n".join(f"Question: {e.question}\nAnswer: {e.answer[:SHOWN_ANSWER]}" for e in kept[-SHOWN_TURNS:])
    return [
        {"role": "system", "content": REWRITE_ASKED},
        {"role": "user", "content": f"{turns}\n\nLast question: {asked}\nRewritten:"},
    ]


def checked_rewrite(rewrite: str, asked: str, kept: Sequence[Exchange]) -> str | None:
    """A model's rewrite of a follow-up, when it holds every content word of the follow-up and adds only
    words that the thread holds (stemmed); None otherwise, and the resolver's reading is used."""
    text = " ".join(rewrite.split()).strip("\"“”' ")
    text = re.sub(r"^(?:rewritten(?:\s+question)?|question)\s*:\s*", "", text, flags=re.IGNORECASE)
    if not text or len(text) > 2 * MAX_REWRITE:
        return None
    own = set(topic_terms(" ".join(own_words(asked))))
    thread = set(topic_terms(" ".join(f"{e.question} {e.answer}" for e in kept)))
    written = set(topic_terms(text))
    return text if own <= written and written <= own | thread | set(topic_terms(asked)) else None


def model_rewrite(asked: str, kept: Sequence[Exchange], rewriter: Callable[[list[dict[str, str]]], str]) -> str | None:
    """The language model's rewrite of a follow-up, checked; None when it fails or the check refuses it."""
    try:
        return checked_rewrite(rewriter(rewrite_prompt(asked, kept)), asked, kept)
    except OnRecordError:  # the model failed or timed out: the resolver's reading stands
        return None
