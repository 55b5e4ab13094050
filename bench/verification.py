"""What checking a written answer costs: a six-sentence answer made of the shown turns' own
sentences reworded a little (each cited to its turn), verified as the app verifies one against the
eight passages shown, its contradictions read against all of them. The app embeds the shown
turns while the model writes, so the figure that adds to an answer's wait is `warm`; `cold` is the
whole check with nothing embedded before."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence

from answer.extractive.compose import answer
from answer.written.verify import verify
from answer.written.writer import checked_texts, passages_for
from core.text import sentences
from index.retrieval import ANSWER_ORDER
from library import Library

SENTENCES = 6
PASSAGES = 8


def bench_verification(library: Library, questions: Sequence[str]) -> dict:
    retriever = library.retriever
    warm_ms, cold_ms = [], []
    for question in questions:
        query = retriever.prepare(question)
        hits = retriever.retrieve_query(query, 8, fused=ANSWER_ORDER)
        evidence = retriever.evidence(query)
        passages = passages_for(answer(query.text, hits, evidence, library.turns), hits, library.turns)[:PASSAGES]
        pieces = [(sentence, p.n) for p in passages for sentence in sentences(p.text) if len(sentence.split()) > 4]
        if len(pieces) < SENTENCES or len(passages) < PASSAGES:
            continue
        # new text, as a model writes it (the turns' own sentences would be embedded already)
        written = " ".join(f"In the meeting, {sentence.rstrip('.?!')} [{n}]." for sentence, n in pieces[:SENTENCES])
        shown = [p.shown for p in passages]
        rarity = evidence.keyword.idf if evidence.keyword is not None else None
        for timings in (cold_ms, warm_ms):  # cold: the passages' sentences not yet embedded
            retriever.forget_sentences()
            if timings is warm_ms:
                retriever.sentence_vectors(checked_texts(passages))
            started = time.perf_counter()
            verify(written, shown, retriever.sentence_vectors, rarity=rarity)
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "answers": len(warm_ms),
        "sentences": SENTENCES,
        "passages": PASSAGES,
        "warm_median_ms": statistics.median(warm_ms) if warm_ms else None,
        "cold_median_ms": statistics.median(cold_ms) if cold_ms else None,
    }
