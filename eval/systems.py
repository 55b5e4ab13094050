"""The systems an evaluation compares: On Record as users ask it (Library.ask, the one path the
CLI, page, API and MCP take) in each retrieval mode, named variants of it, and a naive LlamaIndex
baseline (default SentenceSplitter chunks, same embedding model, dense only)."""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from answer.ask import AskOptions
from core.models import Answer, Citation, Filters, Hit, Transcript
from eval.metrics import Passage
from eval.suites import Question
from index.embedding import Embedder, llama_embedding
from index.retrieval import Mode, Retriever
from library import Library

DEPTH = 30  # passages ranked per question (Library.search): enough for the 2,000-word budget


@dataclass(frozen=True)
class Outcome:
    ranked: list[Passage]
    relevant: list[str]  # every passage of the system that covers a gold turn
    answer: str | None = None
    abstained: bool | None = None
    cited: list[Passage] | None = None
    figures: dict[str, float | None] | None = None  # a system's own per-question figures
    # the time of the answer as users get it (Library.ask alone), when the system ranks apart from it
    answer_ms: float | None = None


class System(Protocol):
    name: str

    def run(self, question: Question) -> Outcome: ...


def options_for(question: Question, mode: Mode = "hybrid", answerer: str = "extractive") -> AskOptions:
    """The question's filters as a user sets them: within its meeting, when it names one."""
    return AskOptions(mode=mode, filters=Filters.within(question.meeting), answerer=answerer)


class OnRecord:
    """On Record in one retrieval mode: the answer is Library.ask's, with the question's meeting as
    its filter (scope routing and meeting naming included, as users get them), and the passages
    ranked for Hit@k and MRR are Library.search's with the same filters, or `ranking`'s (a
    retriever tuned otherwise: the previous release's fusion). `needle` answers a passage's
    question in place of the fitted answer model (eval.previous)."""

    def __init__(
        self,
        library: Library,
        mode: Mode = "hybrid",
        name: str = "",
        needle: Callable[..., Answer] | None = None,
        ranking: Retriever | None = None,
    ):
        self.library = library
        self.mode = mode
        self.name = name or f"onrecord-{mode}"
        self.needle = needle
        self.ranking = ranking

    def run(self, question: Question) -> Outcome:
        options = options_for(question, self.mode)
        if self.ranking is None:
            hits = self.library.search(question.question, DEPTH, options.filters, self.mode)
        else:
            hits = self.ranking.retrieve(question.question, DEPTH, options.filters, self.mode)
        started = time.perf_counter()
        result = self.library.ask(question.question, options, needle=self.needle)
        answer_ms = (time.perf_counter() - started) * 1000
        ranked = [hit_passage(hit) for hit in hits]
        relevant = relevant_passages(self.library, question, hits)
        return Outcome(ranked, relevant, result.text, result.abstained, cited(result), answer_ms=answer_ms)


def relevant_passages(library: Library, question: Question, hits: list[Hit]) -> list[str]:
    """The retrieved passages covering a gold turn, and every other chunk that does (retrieved
    passages may join adjacent chunks, so their ids are their own)."""
    gold = question.gold
    taken = {chunk_id for hit in hits for chunk_id in hit.chunk.id.split("+")}
    return [hit.chunk.id for hit in hits if hit_passage(hit).turns & gold] + [
        chunk.id
        for chunk in library.catalog.chunks
        if chunk.meeting_id == question.meeting
        and chunk.id not in taken
        and gold & set(range(chunk.turn_start, chunk.turn_end + 1))
    ]


def cited(result: Answer) -> list[Passage]:
    """What an answer cites, as passages; none when it refused."""
    return [] if result.abstained else [cited_passage(citation) for citation in result.citations]


def cited_passage(citation: Citation) -> Passage:
    """What a citation points at: its turns (with their own speakers), or its passage."""
    if not citation.turns:
        return hit_passage(citation.hit)
    turns = citation.turns
    words = sum(len(turn.clean_text.split()) for turn in turns)
    return Passage(
        f"{citation.hit.chunk.id}#{citation.turn_start}",
        frozenset(t.index for t in turns),
        words,
        citation.speakers,
        citation.hit.chunk.meeting_id,
    )


def hit_passage(hit) -> Passage:
    chunk = hit.chunk
    turns = frozenset(range(chunk.turn_start, chunk.turn_end + 1))
    return Passage(chunk.id, turns, len(chunk.text.split()), chunk.speakers, chunk.meeting_id)


class LibraryAsked:
    """The question asked of the whole library as users ask it (Library.ask, every scope): its
    citations scored against its meeting's gold turns, and whether they include that meeting
    (`cites_own_meeting`, over the answers not refused) and whether it read as a timeline."""

    name = "onrecord-library"
    ranks = False  # an answer, not a ranking

    def __init__(self, library: Library):
        self.library = library

    def run(self, question: Question) -> Outcome:
        found = self.library.ask(question.question, AskOptions())
        answered = cited(found)
        own = None if found.abstained else float(any(p.meeting == question.meeting for p in answered))
        timeline = None if found.abstained else float(found.scope == "meetings")
        figures = {"cites_own_meeting": own, "timelines": timeline}
        return Outcome([], [], found.text, found.abstained, answered, figures)


class NaiveLlamaIndex:
    """LlamaIndex defaults: each meeting as one document of `Speaker: text` lines, SentenceSplitter
    chunks, an in-memory vector index with the same embedding model, dense retrieval only."""

    name = "naive-llamaindex"

    def __init__(self, transcripts: Sequence[Transcript], embedder: Embedder):
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        documents = []
        self._offsets: dict[str, list[int]] = {}
        for transcript in transcripts:
            lines, offsets, position = [], [], 0
            for turn in transcript.turns:
                line = f"{turn.speaker}: {turn.text}" if turn.speaker else turn.text
                offsets.append(position)
                lines.append(line)
                position += len(line) + 1
            self._offsets[transcript.meeting_id] = offsets
            documents.append(
                Document(
                    text="\n".join(lines),
                    metadata={"meeting_id": transcript.meeting_id},
                    excluded_embed_metadata_keys=["meeting_id"],
                    excluded_llm_metadata_keys=["meeting_id"],
                )
            )
        nodes = SentenceSplitter().get_nodes_from_documents(documents)
        self.index = VectorStoreIndex(nodes, embed_model=llama_embedding(embedder))
        self._passages: dict[str, list[Passage]] = {}
        for node in nodes:
            self._passages.setdefault(node.metadata["meeting_id"], []).append(self._passage(node))

    def run(self, question: Question) -> Outcome:
        from llama_index.core.vector_stores import MetadataFilter, MetadataFilters

        filters = (
            MetadataFilters(filters=[MetadataFilter(key="meeting_id", value=question.meeting)])
            if question.meeting
            else None
        )
        retriever = self.index.as_retriever(similarity_top_k=DEPTH, filters=filters)
        ranked = [self._passage(scored.node) for scored in retriever.retrieve(question.question)]
        gold = question.gold
        relevant = [p.id for p in self._passages.get(question.meeting or "", []) if p.turns & gold]
        return Outcome(ranked, relevant)

    def _passage(self, node) -> Passage:
        offsets = self._offsets[node.metadata["meeting_id"]]
        first = bisect.bisect_right(offsets, node.start_char_idx or 0) - 1
        last = bisect.bisect_right(offsets, max((node.end_char_idx or 1) - 1, 0)) - 1
        return Passage(node.node_id, frozenset(range(max(first, 0), last + 1)), len(node.get_content().split()))
