"""The systems an evaluation compares: On Record in each retrieval mode, and a naive LlamaIndex
baseline (default SentenceSplitter chunks, same embedding model, dense only)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from answer.compose import TurnsOf, answer
from answer.library import AskOptions, Library
from answer.scorer import AnswerModel
from core.models import Citation, Filters, Transcript
from eval.metrics import Passage
from eval.suites import Question
from index.embedding import Embedder, llama_embedding
from index.retrieval import ANSWER_ORDER, Mode, Retriever

DEPTH = 30  # passages retrieved per question: enough for the 2,000-word budget
ANSWER_PASSAGES = AskOptions().k  # as `onrecord ask` answers


@dataclass(frozen=True)
class Outcome:
    ranked: list[Passage]
    relevant: list[str]  # every passage of the system that covers a gold turn
    answer: str | None = None
    abstained: bool | None = None
    cited: list[Passage] | None = None
    figures: dict[str, float | None] | None = None  # a system's own per-question figures


class System(Protocol):
    name: str

    def run(self, question: Question) -> Outcome: ...


class OnRecord:
    """On Record's retrieval in one mode, with the extractive answer on top, citing turns (given
    `turns_of`) or, as releases before turn-level citations did, passages."""

    def __init__(
        self,
        retriever: Retriever,
        mode: Mode,
        turns_of: TurnsOf | None = None,
        name: str = "",
        model: AnswerModel | None = None,
        coverage: bool = True,
    ):
        self.retriever = retriever
        self.coverage = coverage
        self.mode = mode
        self.turns_of = turns_of
        self.name = name or f"onrecord-{mode}"
        self.model = model

    def run(self, question: Question) -> Outcome:
        query = self.retriever.prepare(question.question, Filters(meeting=question.meeting))
        hits = self.retriever.retrieve_query(query, DEPTH, self.mode)
        evidence = self.retriever.evidence(query, self.mode)
        result = answer(
            query.text,
            answer_hits(self.retriever, query, hits, self.mode),
            evidence,
            self.turns_of,
            self.model,
            self.coverage,
        )
        cited = [] if result.abstained else [cited_passage(citation) for citation in result.citations]
        ranked = [hit_passage(hit) for hit in hits]
        # Relevant: the retrieved passages covering a gold turn, and every other chunk that does
        # (retrieved passages may join adjacent chunks, so their ids are their own).
        gold = question.gold
        taken = {chunk_id for hit in hits for chunk_id in hit.chunk.id.split("+")}
        relevant = [p.id for p in ranked if p.turns & gold] + [
            chunk.id
            for chunk in self.retriever.catalog.chunks
            if chunk.meeting_id == question.meeting
            and chunk.id not in taken
            and gold & set(range(chunk.turn_start, chunk.turn_end + 1))
        ]
        return Outcome(ranked, relevant, result.text, result.abstained, cited)


def answer_hits(retriever: Retriever, query, hits: list, mode: Mode) -> list:
    """The passages answers read, as `onrecord ask` gives them (ANSWER_ORDER): `hits` themselves
    unless those were ordered by the learned fusion."""
    if mode == "hybrid" and retriever.tuning.learned_fusion != ANSWER_ORDER:
        hits = retriever.retrieve_query(query, DEPTH, mode, fused=ANSWER_ORDER)
    return hits[:ANSWER_PASSAGES]


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
        cited = [] if found.abstained else [cited_passage(citation) for citation in found.citations]
        own = None if found.abstained else float(any(p.meeting == question.meeting for p in cited))
        timeline = None if found.abstained else float(found.scope == "meetings")
        figures = {"cites_own_meeting": own, "timelines": timeline}
        return Outcome([], [], found.text, found.abstained, cited, figures)


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
