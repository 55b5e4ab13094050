"""Chunks as passages (hits) with their meeting's title, date and media link: those a search
ranks, and all of one meeting's in transcript order (what minutes and timelines cite)."""

from __future__ import annotations

import numpy as np

from core.models import Chunk, Filters, Hit
from index.catalog import Catalog
from index.links import deep_link


def hit_of(catalog: Catalog, chunk: Chunk, rank: int = 0, score: float = 0.0, similarity: float = 0.0) -> Hit:
    """A chunk as a passage of its meeting, linked to the media at its start."""
    meeting = catalog.meetings.get(chunk.meeting_id)
    media = meeting.media_url if meeting else None
    return Hit(
        rank=rank,
        score=score,
        similarity=similarity,
        chunk=chunk,
        title=meeting.title if meeting else chunk.meeting_id,
        date=meeting.date if meeting else None,
        url=deep_link(media, chunk.start),
        media_url=media,
    )


def meeting_passages(catalog: Catalog, meeting_id: str) -> list[Hit]:
    """Every chunk of a meeting as a passage, in transcript order."""
    allowed = catalog.mask(Filters.within(meeting_id))
    positions = [int(p) for p in np.flatnonzero(allowed)] if allowed is not None else list(range(len(catalog)))
    chunks = sorted(catalog.chunks.take(positions), key=lambda chunk: (chunk.turn_start, chunk.turn_end))
    return [hit_of(catalog, chunk, rank) for rank, chunk in enumerate(chunks)]


def passage_of(passages: list[Hit], turn: int) -> Hit | None:
    """The passage that holds a turn (the first, where chunks of a long turn share it)."""
    return next((hit for hit in passages if hit.chunk.turn_start <= turn <= hit.chunk.turn_end), None)
