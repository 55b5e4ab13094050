"""Hybrid retrieval: dense and keyword (bm25s) rankings fused by reciprocal rank fusion, with
filters, and a lift for the speakers a question names. Dense search compares the question with the
catalog's vectors exactly (one matrix-vector product); past index.dense.QUANTIZED_FROM chunks it
scans their int8 codes first and scores the best candidates exactly."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

import numpy as np

from core.errors import QueryError, StoreError
from core.logistic import Logistic, ModelError
from core.models import Chunk, Filters, Hit
from index.catalog import Catalog
from index.dense import QUANTIZED_FROM
from index.embedding import Embedder
from index.evidence import Evidence
from index.focus import focus, keyword_query
from index.fusion import FUSION_FEATURES, FUSION_FILE, Signals, best_positions, fusion_rows, ordered
from index.passages import hit_of

Mode = Literal["hybrid", "dense", "keyword"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "keyword")
MAX_QUESTION_CHARS = 2000
MAX_K = 100
CANDIDATES = 40  # per ranking, before fusion
# The answer model (answer/extractive/answer_model.json) was fitted on passages in reciprocal rank fusion's order,
# and answers are composed from that order: `retrieve_query(..., fused=ANSWER_ORDER)`
ANSWER_ORDER = False
SAID_BY = 5  # a named speaker's passages, likeliest about a subject, read to tell whether they speak of it
SENTENCE_CACHE = 20_000  # candidate sentences' vectors kept (about 30 MiB)
_BESIDE = ThreadPoolExecutor(1, thread_name_prefix="onrecord-dense")  # dense scans beside keyword scoring
_KEYWORDS = ThreadPoolExecutor(
    1, thread_name_prefix="onrecord-keywords"
)  # keyword scores beside the question's embedding


@dataclass(frozen=True)
class Query:
    """A checked question: its text, resolved filters, the speakers it names, and what to match."""

    text: str
    filters: Filters
    speakers: tuple[str, ...]
    vector: np.ndarray
    keywords: str
    # every chunk's BM25 score (index.keyword), computed while the question is embedded
    keyword_scores: Future | None = field(default=None, compare=False, repr=False)

    def bm25(self, catalog: Catalog) -> np.ndarray | None:
        if self.keyword_scores is not None:
            return self.keyword_scores.result()
        return catalog.keyword.scores(self.keywords)


@dataclass(frozen=True)
class Tuning:
    """Retrieval choices measured with `onrecord eval --compare` (docs/evaluation.md)."""

    focus_dense: bool = True  # embed the question without its request phrasing
    focus_keywords: bool = True  # match keywords without request phrasing and meeting words
    neighbour_weight: float = 0.0  # share of adjacent chunks' fused score added to a chunk's own
    merge_adjacent: int = 4  # adjacent retrieved chunks joined into one passage, at most this many
    candidates: int = CANDIDATES
    # hybrid candidates ordered by the fusion fitted on QMSum train (index/fusion_model.json): off, since
    # it ranks Q&A notes worse (the seed suite's Hit@1 0.906 → 0.438; docs/notes/retrieval.md)
    learned_fusion: bool = False


def check_question(question: str) -> str:
    text = " ".join((question or "").split())
    if not text:
        raise QueryError('the question is empty; type a question, e.g. onrecord ask "What was decided about X?"')
    if len(text) > MAX_QUESTION_CHARS:
        raise QueryError(
            f"the question is {len(text):,} characters long, over the limit of {MAX_QUESTION_CHARS:,}; "
            "ask a shorter question (a sentence or two)"
        )
    return text


class Retriever:
    """Ranks chunks for a question; `retrieve(question, k) -> list[Hit]`."""

    def __init__(self, embedder: Embedder, catalog: Catalog, tuning: Tuning = Tuning()):
        self.embedder = embedder
        self.catalog = catalog
        self.tuning = tuning
        self._sentence_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def prepare(self, question: str, filters: Filters | None = None, mode: Mode = "hybrid") -> Query:
        """The checked question, embedded; in hybrid and keyword modes its keyword scores are
        computed meanwhile, on another core (at a million chunks, 6 ms a question)."""
        text = check_question(question)
        if not len(self.catalog):
            raise QueryError("the index is empty: ingest something first: onrecord ingest PATH")
        resolved = self.catalog.resolve(filters or Filters())
        keywords = keyword_query(text) if self.tuning.focus_keywords else text
        scores = _KEYWORDS.submit(self.catalog.keyword.scores, keywords) if mode in ("hybrid", "keyword") else None
        named = () if resolved.speaker else tuple(self.catalog.speaker_index.mentioned(text)[:1])
        dense_text = focus(text) if self.tuning.focus_dense else text
        vector = self.embedder.embed_batch([dense_text])[0]
        stored = self.catalog.vectors.shape[1]
        if stored and len(vector) != stored:
            raise StoreError(
                f"the index holds vectors of {stored} dimensions but the model makes {len(vector)}: it was built "
                "with another model; set ONRECORD_MODEL back, or ingest the transcripts again with this one"
            )
        return Query(text, resolved, named, vector, keywords, scores)

    def evidence(self, query: Query, mode: Mode = "hybrid") -> Evidence:
        """What answering the query may consult beside its passages: word rarity, the speakers it
        names, whether a (stemmed) word occurs in the library (less the meetings the query leaves
        out), each sentence's similarity to the question, and a named speaker's own passages. A word
        the library lacks altogether is evidence that it cannot answer; a word one meeting lacks is
        not (questions paraphrase)."""
        keyword = self.catalog.keyword
        allowed = self.catalog.mask(Filters(exclude=query.filters.exclude))

        def similarity(texts: Sequence[str]) -> np.ndarray:
            return self.sentence_vectors(texts) @ query.vector

        def occurs(term: str) -> bool:
            return keyword.occurs(term, allowed)

        def said_by(speaker: str, about: str) -> list[Hit]:
            own = self.prepare(about, replace(query.filters, speaker=speaker), mode)
            return self.retrieve_query(own, SAID_BY, mode, fused=ANSWER_ORDER)

        return Evidence(keyword, query.speakers, occurs, similarity, said_by, self.sentence_vectors, mode == "hybrid")

    def forget_sentences(self) -> None:
        """Empty the cache of sentence vectors (for benchmarks that time embedding them)."""
        with self._cache_lock:
            self._sentence_cache.clear()

    def sentence_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """The model's vectors of candidate sentences, the latest SENTENCE_CACHE kept (a question
        asked again, or asked with other filters, embeds nothing new)."""
        with self._cache_lock:
            missing = list(dict.fromkeys(text for text in texts if text not in self._sentence_cache))
        if missing:
            vectors = self.embedder.embed_batch(missing)
            with self._cache_lock:
                self._sentence_cache.update(zip(missing, vectors, strict=True))
                while len(self._sentence_cache) > SENTENCE_CACHE:
                    self._sentence_cache.popitem(last=False)
        with self._cache_lock:
            found = [self._sentence_cache.get(text) for text in texts]
        if any(vector is None for vector in found):  # pushed out meanwhile by another thread's batch
            return self.embedder.embed_batch(list(texts))
        return np.vstack(found) if found else np.zeros((0, self.embedder.dimension), dtype=np.float32)

    def retrieve(self, question: str, k: int = 10, filters: Filters | None = None, mode: Mode = "hybrid") -> list[Hit]:
        return self.retrieve_query(self.prepare(question, filters, mode), k, mode)

    def retrieve_query(self, query: Query, k: int = 10, mode: Mode = "hybrid", fused: bool | None = None) -> list[Hit]:
        """The k best passages. Hybrid candidates are ordered by the learned fusion when `fused` (by
        default, as the tuning says), else by reciprocal rank fusion, as answers read them (ANSWER_ORDER)."""
        if mode not in MODES:
            raise QueryError(f"unknown retrieval mode {mode!r}; use one of: {', '.join(MODES)}")
        if not 1 <= k <= MAX_K:
            raise QueryError(f"k of {k} is out of range; ask for 1 to {MAX_K} passages")
        depth = max(self.tuning.candidates, k)
        ranked, similarity, rows = self.candidates(
            query, depth, mode, self.tuning.learned_fusion if fused is None else fused
        )
        if rows is not None:
            order = np.argsort(-fusion_model().probability(rows), kind="stable")
            ranked = [ranked[i] for i in order]  # each keeps its fused (RRF) score, which answers read
        if self.tuning.neighbour_weight:
            ranked = self._smoothed(ranked)
        groups = self._grouped(ranked, k)
        members = [chunk_id for group, _ in groups for chunk_id in group]
        missing = [chunk_id for chunk_id in members if chunk_id not in similarity]
        if missing:
            for chunk_id, score in zip(missing, self._vectors(missing) @ query.vector, strict=True):
                similarity[chunk_id] = float(score)
        return [
            self._hit(rank, group, score, max(similarity.get(chunk_id, 0.0) for chunk_id in group))
            for rank, (group, score) in enumerate(groups, 1)
        ]

    def candidates(
        self, query: Query, depth: int, mode: Mode = "hybrid", rows: bool = False
    ) -> tuple[list[tuple[str, float]], dict[str, float], np.ndarray | None]:
        """The chunks the rankings put forward, by fused score, with their similarity to the question
        where known; in hybrid mode with `rows`, also their FUSION_FEATURES rows."""
        rankings: list[list[str]] = []
        similarity: dict[str, float] = {}
        keyword_score: dict[str, float] = {}
        filter_sets = [query.filters]
        for speaker in query.speakers:  # the named speaker's own passages get rankings of their own
            filter_sets.append(replace(query.filters, speaker=speaker))
        # each chunk is scored once per question; each filter set then takes its best allowed chunks
        masks = [self.catalog.mask(filters) for filters in filter_sets]
        dense_wanted = mode in ("dense", "hybrid")
        cosine = self._similarities(query.vector) if dense_wanted else None
        pending = None
        if dense_wanted and cosine is None:  # the int8 scan (faiss frees the GIL) beside the keyword work
            pending = _BESIDE.submit(self._dense_each, query.vector, depth, masks)
        bm25 = query.bm25(self.catalog) if mode in ("keyword", "hybrid") else None
        keyword_rankings = []
        if mode in ("keyword", "hybrid"):
            scored = None if bm25 is None else np.flatnonzero(bm25 > 0.0)  # for every mask (speakers named)
            for mask in masks:
                found = [] if bm25 is None else best_positions(bm25, depth, mask, among=scored)
                ids = [self.catalog.chunks.ids[position] for position in found]
                keyword_score.update({chunk_id: float(bm25[p]) for chunk_id, p in zip(ids, found, strict=True)})
                keyword_rankings.append(ids)
        if dense_wanted:
            dense_results = (
                pending.result() if pending else [self._dense(query.vector, depth, m, cosine) for m in masks]
            )
        for position in range(len(masks)):
            if dense_wanted:
                similarity.update(dense_results[position])
                rankings.append([chunk_id for chunk_id, _ in dense_results[position]])
            if keyword_rankings:
                rankings.append(keyword_rankings[position])
        ranked = ordered(mode, rankings, similarity, keyword_score)
        if not (mode == "hybrid" and rows and ranked):
            return ranked, similarity, None
        signals = self.signals(query, ranked, similarity, bm25, rankings[0], rankings[1])
        positions = [self.catalog.position[chunk_id] for chunk_id, _ in ranked]
        return ranked, similarity, fusion_rows(positions, [score for _, score in ranked], signals)

    def signals(
        self,
        query: Query,
        ranked: list[tuple[str, float]],
        similarity: dict[str, float],
        bm25: np.ndarray | None,
        dense_ids: list[str],
        keyword_ids: list[str],
    ) -> Signals:
        """What the learned fusion reads of the candidates: their and their neighbours' similarity
        (computed for those the dense ranking did not reach), BM25 scores, speakers and sizes."""
        table, position = self.catalog.chunks, self.catalog.position
        candidates = [position[chunk_id] for chunk_id, _ in ranked]
        neighbours = {
            p: [o for o in (p - 1, p + 1) if 0 <= o < len(table) and table.place(o)[0] == table.place(p)[0]]
            for p in candidates
        }
        cosine = {position[chunk_id]: score for chunk_id, score in similarity.items()}
        missing = sorted({o for p in candidates for o in (p, *neighbours[p]) if o not in cosine})
        if missing:
            cosine.update(
                zip(missing, (np.asarray(self.catalog.vectors[missing]) @ query.vector).tolist(), strict=True)
            )
        named = set(query.speakers)
        chunks = dict(zip(candidates, table.take(candidates), strict=True))
        return Signals(
            cosine,
            bm25 if bm25 is not None else np.zeros(len(table), dtype=np.float32),
            [position[chunk_id] for chunk_id in dense_ids],
            [position[chunk_id] for chunk_id in keyword_ids],
            neighbours,
            {p: bool(named & set(chunk.speakers)) for p, chunk in chunks.items()},
            {p: float(chunk.word_pieces) for p, chunk in chunks.items()},
        )

    def _grouped(self, ranked: list[tuple[str, float]], k: int) -> list[tuple[list[str], float]]:
        """The k best passages: a retrieved chunk next to one already taken joins it (up to the
        tuning's limit), so that one stretch of a meeting is one passage, not several."""
        limit = self.tuning.merge_adjacent
        groups: list[tuple[list[int], float]] = []
        for chunk_id, score in ranked:
            position = self.catalog.position[chunk_id]
            joined = False
            if limit > 1:
                for members, _ in groups:
                    if len(members) < limit and self._adjacent(position, members):
                        members.append(position)
                        members.sort()
                        joined = True
                        break
            if not joined:
                if len(groups) == k:
                    continue
                groups.append(([position], score))
        return [([self.catalog.chunks.ids[p] for p in members], score) for members, score in groups]

    def _adjacent(self, position: int, members: list[int]) -> bool:
        """Next to the group, in the same meeting, and (in Q&A notes) under the same question."""
        if not (position == members[0] - 1 or position == members[-1] + 1):
            return False
        table = self.catalog.chunks
        return table.place(position) == table.place(members[0])

    def _similarities(self, vector: np.ndarray) -> np.ndarray | None:
        """Cosine similarity of every chunk with the question (the vectors are unit length), or None
        when the library is larger than QUANTIZED_FROM chunks."""
        if len(self.catalog) > QUANTIZED_FROM:
            return None
        return np.asarray(self.catalog.vectors) @ vector if len(self.catalog) else np.zeros(0, dtype=np.float32)

    def _dense(
        self, vector: np.ndarray, depth: int, mask: np.ndarray | None, cosine: np.ndarray | None
    ) -> list[tuple[str, float]]:
        """The nearest chunks the mask allows, by cosine similarity: an exact comparison with the
        catalog's vectors, which at 100,000 chunks takes about 10 ms (Chroma's filtered HNSW queries
        took 190–250 ms and in Chroma 1.5 can fail: "Error finding id"). Past QUANTIZED_FROM chunks,
        an int8 scan of every chunk, its best candidates scored exactly (index.dense)."""
        ids = self.catalog.chunks.ids
        if cosine is not None:
            return [(ids[p], float(cosine[p])) for p in best_positions(cosine, depth, mask)]
        return self._dense_each(vector, depth, [mask])[0]

    def _dense_each(
        self, vector: np.ndarray, depth: int, masks: list[np.ndarray | None]
    ) -> list[list[tuple[str, float]]]:
        """`_dense` for each mask past QUANTIZED_FROM chunks, one 4-bit pass for all of them."""
        ids = self.catalog.chunks.ids
        return [
            [(ids[int(p)], float(score)) for p, score in zip(positions, scores, strict=True)]
            for positions, scores in self.catalog.quantized().search_each(vector, depth, masks)
        ]

    def _vectors(self, ids: list[str]) -> np.ndarray:
        return np.asarray(self.catalog.vectors[[self.catalog.position[chunk_id] for chunk_id in ids]])

    def _smoothed(self, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Relevance in meetings comes in stretches: a chunk whose neighbours score well is lifted."""
        scores = dict(ranked)
        weight = self.tuning.neighbour_weight
        smoothed = []
        for chunk_id, score in ranked:
            position = self.catalog.position[chunk_id]
            around = 0.0
            for other in (position - 1, position + 1):
                if 0 <= other < len(self.catalog.chunks):
                    neighbour = self.catalog.chunks[other]
                    if neighbour.meeting_id == self.catalog.chunks[position].meeting_id:
                        around += scores.get(neighbour.id, 0.0)
            smoothed.append((chunk_id, (score + weight * around / 2) / (1 + weight)))
        return sorted(smoothed, key=lambda pair: -pair[1])

    def _hit(self, rank: int, group: list[str], score: float, similarity: float) -> Hit:
        return hit_of(self.catalog, merged([self._chunk(chunk_id) for chunk_id in group]), rank, score, similarity)

    def _chunk(self, chunk_id: str) -> Chunk:
        return self.catalog.chunks[self.catalog.position[chunk_id]]


@cache
def fusion_model() -> Logistic:
    """The fitted fusion (`onrecord fit fusion`)."""
    try:
        data = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
        return Logistic.from_dict(data["model"], FUSION_FEATURES)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(
            f"cannot read the fusion model {FUSION_FILE}: {error}; refit it: onrecord fit fusion"
        ) from error


def merged(chunks: list[Chunk]) -> Chunk:
    """Adjacent chunks of one meeting as one passage (a single chunk is returned as it is)."""
    if len(chunks) == 1:
        return chunks[0]
    first, last = chunks[0], chunks[-1]
    lines: list[str] = []
    for chunk in chunks:
        for line in chunk.text.split("\n"):
            if not (line.startswith("Question: ") and line in lines):  # each question header once
                lines.append(line)
    return Chunk(
        id="+".join(chunk.id for chunk in chunks),
        meeting_id=first.meeting_id,
        text="\n".join(lines),
        turn_start=first.turn_start,
        turn_end=max(chunk.turn_end for chunk in chunks),
        speakers=tuple(dict.fromkeys(s for chunk in chunks for s in chunk.speakers)),
        topic=" / ".join(dict.fromkeys(chunk.topic for chunk in chunks if chunk.topic)) or None,
        question=first.question if all(chunk.question == first.question for chunk in chunks) else None,
        start=first.start,
        end=last.end,
        word_pieces=sum(chunk.word_pieces for chunk in chunks),
    )
