"""The one way in to a library of transcripts, shared by the app, the CLI, the eval and the
benchmarks: open it from settings, then ingest, remove, search, ask and list.

A library is a store (Chroma) and, loaded on first use, its catalog (index.snapshot). Processes
sharing a data directory tell one another what changed through its generation file
(index.generation): before each question a library compares that file with the one it last saw, so
an app notices what a CLI ingested or removed meanwhile and reloads only the meetings that changed.
An embedded library whose generation file names its snapshot's key is opened from the snapshot
alone: answering a question then never opens Chroma (nor imports it: 1.5 s of a CLI question's 2.2).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from answer.ask import AskOptions, ask
from answer.routing import Sources
from answer.written.client import Backend, LLMError, backend_for, stream_within
from answer.written.summary import written_summary
from answer.written.writer import written_answer
from core.errors import QueryError
from core.minutes import Minutes
from core.models import Answer, Chapter, Filters, Hit, Meeting, Turn
from core.settings import Settings
from index import generation
from index.catalog import Catalog, closest_known
from index.embedding import Embedder, load_embedder
from index.names import SpeakerNames, named_meeting, named_turns, read_names, write_names
from index.passages import meeting_passages
from index.retrieval import Mode, Retriever
from index.snapshot import load_catalog
from index.store import COMPLETE, MeetingRecord, Store, turns_from
from index.writer import IngestResult, ingest_paths, remove_meeting, write_lock
from ingest.chapters import chapters
from ingest.wordpieces import word_counter
from library import speakers
from library.kept import Kept
from minutes.build import build_minutes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeetingView:
    """One meeting as the page's Browse tab shows it."""

    meeting: Meeting
    turns: list[Turn]
    chapters: list[Chapter]
    minutes: Minutes


class Library:
    """A store, the model that embeds for it, and its catalog; safe to share between threads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: Store | None = None):
        self.settings = settings
        self._store = store
        self.data_dir = Path(settings.data_dir).expanduser()
        self._embedder = embedder
        self._catalog: Catalog | None = None
        self._retriever: Retriever | None = None
        self._seen_generation: str | None = None
        self._lock = threading.RLock()
        self._forget_meetings()
        self._llm: Backend | None = None

    @property
    def store(self) -> Store:
        """The Chroma store, opened on first use (a question on an up-to-date snapshot needs none)."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = Store.open(self.settings)
        return self._store

    @property
    def embedder(self) -> Embedder:
        """The model, loaded on first use (listing or removing needs none)."""
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = load_embedder(self.settings)
        return self._embedder

    # reading

    @property
    def catalog(self) -> Catalog:
        """What the store holds now, in memory (reloaded when another process wrote)."""
        generation = self._generation()
        catalog = self._catalog
        if catalog is None or generation != self._seen_generation:
            with self._lock:
                if self._catalog is None or generation != self._seen_generation:
                    self._load(generation)
                catalog = self._catalog
        assert catalog is not None
        return catalog

    @property
    def retriever(self) -> Retriever:
        catalog = self.catalog
        retriever = self._retriever
        if retriever is None or retriever.catalog is not catalog:
            retriever = Retriever(self.embedder, catalog)
            self._retriever = retriever
        return retriever

    def meetings(self) -> list[Meeting]:
        """The complete meetings, as searched."""
        return list(self.catalog.meetings.values())

    def meeting(self, meeting_id: str) -> Meeting | None:
        return self.catalog.meetings.get(meeting_id)

    def records(self) -> list[MeetingRecord]:
        """Every meeting record in the store with its ingest status (no catalog needed), speakers named."""
        names = self.speaker_names()
        return [
            MeetingRecord(named_meeting(r.meeting, names.applied(r.meeting.meeting_id, r.meeting.speakers)), r.status)
            for r in self.store.meetings()
        ]

    def turns(self, meeting_id: str) -> list[Turn]:
        """A meeting's turns, kept for the meetings asked about lately (answers cite turns)."""

        def read() -> list[Turn]:
            document = self.catalog.turns.get(meeting_id) if self.catalog.turns is not None else None
            if document is None:
                record = self.store.meeting(meeting_id)  # as stored: speakers as the file labels them
                labels = record.meeting.speakers if record is not None else ()
                stored = self.store.turn_documents([meeting_id]).get(meeting_id, "")
                document = named_turns(stored, self.speaker_names().applied(meeting_id, labels))
            return turns_from(document)

        return self._turns.get(meeting_id, None, read)

    def chapters(self, meeting_id: str) -> tuple[Meeting, list[Chapter]]:
        """A meeting (named by its id, in any case) and its chapters, made again when its turns are read again."""
        meeting = self._named(meeting_id)
        return meeting, self._chapters_of(meeting, self.turns(meeting.meeting_id))

    def minutes(self, meeting_id: str) -> Minutes:
        """A meeting's minutes (named by its id, in any case), made once for the turns it has."""
        return self.view(meeting_id).minutes

    def view(self, meeting_id: str) -> MeetingView:
        """A meeting (named by its id, in any case, resolved once) with its turns, chapters and minutes."""
        meeting = self._named(meeting_id)
        turns = self.turns(meeting.meeting_id)
        found = self._chapters_of(meeting, turns)
        minutes = self._minutes.get(meeting.meeting_id, turns, lambda: build_minutes(meeting, turns, found))
        return MeetingView(meeting, turns, found, minutes)

    def passages(self, meeting_id: str) -> list[Hit]:
        """Every chunk of a meeting as a passage, in transcript order, made once for the catalog it is in."""
        catalog = self.catalog
        return self._passages.get(meeting_id, catalog, lambda: meeting_passages(catalog, meeting_id))

    def search(self, question: str, k: int = 10, filters: Filters | None = None, mode: Mode = "hybrid") -> list[Hit]:
        return self._searchable().retrieve(question, k, filters, mode)

    def ask(
        self,
        question: str,
        options: AskOptions = AskOptions(),
        on_text: Callable[[str], None] | None = None,
        needle: Callable[..., Answer] | None = None,
    ) -> Answer:
        """The answer; with `options.answerer == "llm"`, written by the configured language model
        (`on_text` gets its words as they come) and checked, or the extractive one with a notice.
        `needle` answers a passage's question from its passages in place of answer.extractive.compose's
        `answer` (the eval's comparison systems: another answer model, no coverage checks)."""
        writer = summary_writer = None
        if options.answerer == "llm":
            writer = partial(written_answer, backend=self.llm, timeout=self.settings.llm_timeout, on_text=on_text)
            summary_writer = partial(
                written_summary,
                backend=self.llm,
                embed=self._searchable().sentence_vectors,
                timeout=self.settings.llm_timeout,
                on_text=on_text,
            )
        sources = Sources(self.turns, self.minutes, self.passages, summary_writer, needle)
        # a follow-up may be read by the model, its reading checked (answer.question.thread)
        rewriter = None
        if options.answerer == "llm" and options.history:
            rewriter = partial(stream_within, self.llm, timeout=self.settings.llm_timeout)
        return ask(self._searchable(), question, options, self.turns, writer, sources, rewriter)

    # speakers (library.speakers; names kept and applied by index.names)

    def speaker_names(self) -> SpeakerNames:
        """The speaker names given in this library, and the people merged."""
        return read_names(self.data_dir)

    def labelled_turns(self, meeting_id: str) -> list[Turn]:
        """A meeting's turns as its file labels their speakers (no name applied)."""
        return self.store.turns(meeting_id)

    def speakers(self, meeting_id: str) -> speakers.MeetingSpeakers:
        """A meeting's labels with the names given, the transcript's suggestions and their evidence."""
        return speakers.speakers_of(self, meeting_id)

    def rename_speakers(self, meeting_id: str, renames: dict[str, str]) -> None:
        """Names given to labels of a meeting (LABEL → NAME); nothing is embedded again."""
        speakers.renamed(self, meeting_id, renames)

    def accept_speakers(self, meeting_id: str) -> dict[str, str]:
        """The transcript's suggested names applied to a meeting's labels: label → name."""
        return speakers.accepted(self, meeting_id)

    def reset_speakers(self, meeting_id: str) -> None:
        """A meeting's speakers as its file labels them again."""
        speakers.reset(self, meeting_id)

    def merge_speakers(self, names: Sequence[str]) -> str:
        """Speaker names made one person library-wide (the first name's); returns the person's name."""
        return speakers.merged(self, names)

    def speaker_merges(self) -> list:
        """Speaker names that look like one person, with the reason (ingest.people.Merge)."""
        return speakers.suggested_merges(self)

    def person(self, name: str) -> speakers.Person:
        """A person's meetings, share of each, and what they said there by topic."""
        return speakers.person(self, name)

    def change_names(self, change: Callable[[SpeakerNames], SpeakerNames]) -> SpeakerNames:
        """Speaker names changed by `change` (which may refuse, changing nothing) and written, then the
        meetings renamed read again from the store: their chunks keep their vectors."""
        with self._lock, write_lock(self.settings.data_dir):
            names = change(self.speaker_names())
            self._stamp(generation.writing())
            write_names(self.data_dir, names)
            self._changed()
        return names

    @property
    def llm(self) -> Backend:
        """The language model the settings name (answer.written.client); a QueryError when none is set."""
        if self._llm is None:
            try:
                self._llm = backend_for(self.settings)
            except LLMError as error:
                raise QueryError(str(error)) from None
        return self._llm

    def other_models(self, records: list[MeetingRecord] | None = None) -> dict[str, int]:
        """Meetings embedded by another model than the settings name (left out of search): model →
        how many. Ingesting their files again embeds them anew."""
        model = self.settings.embedding_id
        records = self.records() if records is None else records
        return dict(Counter(r.meeting.model for r in records if r.status == COMPLETE and r.meeting.model != model))

    def refresh(self) -> None:
        """Reload the catalog now, reading only the meetings that changed."""
        with self._lock:
            self._load(self._generation())

    # writing

    def ingest(
        self,
        paths: Sequence[Path],
        fmt: str | None = None,
        on_result: Callable[[IngestResult], None] | None = None,
        on_embedded: Callable[[int], None] | None = None,
        within: Sequence[Path] = (),
        uploads: dict[str, str] | None = None,  # uploaded files' names by their staged copy's path
    ) -> list[IngestResult]:
        """Ingest every transcript file under `paths`: unchanged files are skipped, changed ones
        replace their meeting, bad ones are reported and the rest go on. With `within`, files are
        read only from inside those folders, links followed (a link leading out is a failed file)."""
        settings = self.settings
        with self._lock, write_lock(settings.data_dir):
            self._stamp(generation.writing())
            results = ingest_paths(
                paths,
                self.store,
                self.embedder,
                word_counter(settings).count,
                settings.chunk_budget,
                settings.embedding_id,
                fmt,
                on_result=on_result,
                on_embedded=on_embedded,
                own_topics=settings.topics == "source",
                within=within,
                uploads=uploads,
            )
            if any(result.status in ("added", "updated") for result in results):
                self._changed()
            else:
                self._stamp(self._current())
        return results

    def remove(self, meeting_id: str) -> int:
        """Delete a meeting and its chunks; returns how many chunks went."""
        with self._lock, write_lock(self.settings.data_dir):
            self._stamp(generation.writing())
            removed = remove_meeting(self.store, meeting_id)
            self._changed()
        return removed

    # inside

    def _chapters_of(self, meeting: Meeting, turns: list[Turn]) -> list[Chapter]:
        return self._chapters.get(meeting.meeting_id, turns, lambda: chapters(turns))

    def _named(self, meeting_id: str) -> Meeting:
        known = {meeting.casefold(): meeting for meeting in self.catalog.meetings}
        return self.catalog.meetings[closest_known("meeting", meeting_id, known)]

    def _forget_meetings(self) -> None:
        """What is kept per meeting (turns, chapters, minutes, passages), forgotten: the catalog changed."""
        self._turns: Kept[list[Turn]] = Kept(self._lock)
        self._chapters: Kept[list[Chapter]] = Kept(self._lock)
        self._minutes: Kept[Minutes] = Kept(self._lock)
        self._passages: Kept[list[Hit]] = Kept(self._lock)

    def _searchable(self) -> Retriever:
        retriever = self.retriever
        if not len(retriever.catalog) and (others := self.other_models()):
            names = ", ".join(f"{count} by {model}" for model, count in others.items())
            raise QueryError(
                f"this library's meetings were embedded by another model ({names}), not by "
                f"{self.settings.embedding_id}: set ONRECORD_MODEL and ONRECORD_BACKEND back, or ingest the "
                "files again to embed them with this one"
            )
        return retriever

    def _load(self, generation: str | None) -> None:
        model = self.settings.embedding_id
        if self._catalog is None and self._open_snapshot(generation):
            return
        records = self.store.meetings()  # read once: for the catalog and for what it leaves out
        names = self.speaker_names()
        self._catalog = load_catalog(self.store, self.data_dir / "catalog", self._catalog, model, records, names)
        self._catalog.aliases = _aliases(names)
        self._seen_generation = generation
        self._forget_meetings()
        if others := self.other_models(records):
            log.warning(
                "%d meetings were embedded by another model than %s and are left out of search; ingest their "
                "files again to embed them with it",
                sum(others.values()),
                model,
            )

    def _changed(self) -> None:
        """After a write: the snapshot brought up to date (so the next start does not pay for it),
        then the generation moved on, so that other processes reload."""
        self._load(None)
        self._stamp(self._current())
        self._seen_generation = self._generation()

    def _current(self) -> dict:
        """What the generation file says once the snapshot is up to date (after `_load`)."""
        catalog = self._catalog if self._catalog is not None else self.catalog
        return generation.written(catalog.key, self.settings.embedding_id)

    def _stamp(self, content: dict) -> None:
        generation.stamp(self.data_dir, content)

    def _open_snapshot(self, seen: str | None) -> bool:
        """Open an embedded library from its snapshot alone, when the generation file names it."""
        if self.settings.chroma_host is not None or seen is None:
            return False
        saved = generation.snapshot_named(self.data_dir, self.settings.embedding_id)
        if saved is None:
            return False
        saved.aliases = _aliases(self.speaker_names())
        self._catalog, self._seen_generation = saved, seen
        self._forget_meetings()
        return True

    def _generation(self) -> str | None:
        return generation.seen(self.data_dir)


def _aliases(names: SpeakerNames) -> dict[str, str]:
    """Names merged into a person's (casefolded) → the person's name, for the speaker filter."""
    return {name.casefold(): person for name, person in names.people.items()}
