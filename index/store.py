"""The Chroma store, embedded or client/server, and the only module that talks to Chroma.

Chunks are written through LlamaIndex's ChromaVectorStore (cosine space) and read back, with their
vectors, into the catalog, which searches them itself (`dense` queries Chroma's own HNSW index
through LlamaIndex, to check that both agree); meeting records (metadata and ingest state) live in
a second collection and each meeting's turns in a third, so that a `chroma run` server holds
everything needed to rebuild the catalog and show transcripts. Turns are kept apart because
Chroma reads a record's document whenever it reads the record: listing 1,400 meetings with their
turns inside took 0.5 s and 620 MiB. Chroma's errors become StoreError here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import StoreError
from core.models import Chunk, Meeting, Transcript, Turn
from core.settings import DEFAULT_MODEL, Settings

CHUNKS = "onrecord_chunks"
MEETINGS = "onrecord_meetings"
TURNS = "onrecord_turns"
COMPLETE, WRITING = "complete", "writing"
_NO_TIME = -1.0
PAGE = 2000  # records read from Chroma at a time
MEETINGS_PER_READ = 200  # meeting ids in one `$in` filter


def speaker_key(name: str) -> str:
    """The metadata key that marks a chunk as containing a speaker's words."""
    return "speaker:" + re.sub(r"\s+", "_", name.casefold().strip())


def date_number(day: Date | None) -> int:
    return day.year * 10000 + day.month * 100 + day.day if day else 0


@dataclass(frozen=True)
class MeetingRecord:
    meeting: Meeting
    status: str


class Store:
    """On Record's three Chroma collections: chunks (vectors), meeting records, and meetings' turns."""

    def __init__(self, client: Any, location: str):
        self.location = location
        with chroma_errors(location):
            self._chunks = client.get_or_create_collection(
                CHUNKS, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
            self._meetings = client.get_or_create_collection(MEETINGS, embedding_function=None)
            self._turns = client.get_or_create_collection(TURNS, embedding_function=None)

    @cached_property
    def llama_store(self) -> Any:
        """LlamaIndex's view of the chunk collection, made on first use: searching a library of up
        to 300,000 chunks needs neither it nor the second it takes to import."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self._chunks)

    @classmethod
    def open(cls, settings: Settings) -> Store:
        """The store the settings name: a `chroma run` server when a host is set, else the data directory."""
        import chromadb

        client_settings = chromadb.Settings(anonymized_telemetry=False)
        if settings.chroma_host:
            location = f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            try:
                client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=client_settings
                )
                client.heartbeat()
            except Exception as error:  # connection errors come in many types
                raise StoreError(
                    f"cannot reach {location} ({type(error).__name__}); start it with "
                    f"`chroma run --path DIR --port {settings.chroma_port}`, or unset ONRECORD_CHROMA_HOST "
                    "to use the embedded store"
                ) from error
            return cls(client, location)
        path = chroma_dir(settings.data_dir)
        with chroma_errors(str(path)):
            client = chromadb.PersistentClient(path=str(path), settings=client_settings)
        return cls(client, str(path))

    # meetings

    def meetings(self) -> list[MeetingRecord]:
        with chroma_errors(self.location):
            found = self._meetings.get(include=["metadatas"])
        records = [_record(metadata) for metadata in found["metadatas"] or []]
        return sorted(records, key=lambda record: (record.meeting.date or Date.min, record.meeting.meeting_id))

    def meeting(self, meeting_id: str) -> MeetingRecord | None:
        with chroma_errors(self.location):
            found = self._meetings.get(ids=[meeting_id], include=["metadatas"])
        return _record(found["metadatas"][0]) if found["ids"] else None

    def turns(self, meeting_id: str) -> list[Turn]:
        return turns_from(self.turn_documents([meeting_id]).get(meeting_id, ""))

    def turn_documents(self, meeting_ids: Sequence[str]) -> dict[str, str]:
        """Each meeting's turns as the JSON document the store keeps (read MEETINGS_PER_READ at a time)."""
        return dict(self.each_turn_document(meeting_ids))

    def each_turn_document(self, meeting_ids: Sequence[str]) -> Iterator[tuple[str, str]]:
        """(meeting id, turns as JSON) for each of the meetings in turn, "" for one without turns,
        read MEETINGS_PER_READ at a time so that no more are held at once."""
        for start in range(0, len(meeting_ids), MEETINGS_PER_READ):
            ids = list(meeting_ids[start : start + MEETINGS_PER_READ])
            with chroma_errors(self.location):
                found = self._turns.get(ids=ids, include=["documents"])
                documents = dict(zip(found["ids"], found["documents"] or [], strict=True))
                older = [meeting_id for meeting_id in ids if meeting_id not in documents]
                if older:  # written before turns had a collection of their own
                    found = self._meetings.get(ids=older, include=["documents"])
                    documents.update(zip(found["ids"], found["documents"] or [], strict=True))
            yield from ((meeting_id, documents.get(meeting_id) or "") for meeting_id in ids)

    def put_meeting(self, transcript: Transcript, chunk_count: int, content_hash: str, status: str, model: str) -> None:
        """The meeting's record and turns; `model` names what embeds its chunks."""
        self.put_meetings([(transcript, chunk_count)], content_hash, status, model)

    def put_meetings(
        self, meetings: Sequence[tuple[Transcript, int]], content_hash: str, status: str, model: str
    ) -> None:
        """Several meetings' records and turns (with their chunk counts) in one write each."""
        with chroma_errors(self.location):
            ids = [transcript.meeting_id for transcript, _ in meetings]
            documents = [
                json.dumps([_turn_fields(turn) for turn in transcript.turns], ensure_ascii=False)
                for transcript, _ in meetings
            ]
            metadatas = [_meeting_metadata(t, count, content_hash, status, model) for t, count in meetings]
            self._turns.upsert(ids=ids, embeddings=[[1.0]] * len(ids), documents=documents)
            self._meetings.upsert(ids=ids, embeddings=[[1.0]] * len(ids), metadatas=metadatas)

    def set_status(self, meeting_id: str, status: str) -> None:
        with chroma_errors(self.location):
            self._meetings.update(ids=[meeting_id], metadatas=[{"status": status}])

    def delete_meeting(self, meeting_id: str) -> None:
        """Marked `writing` first, so that a removal cut short leaves the meeting out of search."""
        self.set_status(meeting_id, WRITING)
        with chroma_errors(self.location):
            self._chunks.delete(where={"meeting_id": meeting_id})
            self._turns.delete(ids=[meeting_id])
            self._meetings.delete(ids=[meeting_id])

    # chunks

    def chunk_ids(self, meeting_id: str | None = None, model: str | None = None) -> set[str]:
        """Ids of the chunks stored (of one meeting; embedded by one model)."""
        conditions: list[dict[str, Any]] = []
        if meeting_id:
            conditions.append({"meeting_id": meeting_id})
        if model:
            conditions.append({"model": model})
        where = None if not conditions else conditions[0] if len(conditions) == 1 else {"$and": conditions}
        with chroma_errors(self.location):
            found = self._chunks.get(where=where, include=[])
        return set(found["ids"])

    def count(self) -> int:
        with chroma_errors(self.location):
            return self._chunks.count()

    def add_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray, transcript: Transcript, model: str) -> None:
        """Chunks with their vectors, each marked with the model that embedded it."""
        self.add_chunk_groups([(chunks, vectors, transcript)], model)

    def add_chunk_groups(self, groups: Sequence[tuple[Sequence[Chunk], np.ndarray, Transcript]], model: str) -> None:
        """The chunks of several meetings, with their vectors, in one write through LlamaIndex."""
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        nodes = [
            TextNode(
                id_=chunk.id,
                text=chunk.text,
                embedding=vector.tolist(),
                metadata={**_chunk_metadata(chunk, transcript.date), "model": model},
                excluded_embed_metadata_keys=[],
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.meeting_id)},
            )
            for chunks, vectors, transcript in groups
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        with chroma_errors(self.location):
            self.llama_store.add(nodes)

    def delete_chunks(self, ids: Sequence[str]) -> None:
        if ids:
            with chroma_errors(self.location):
                self.llama_store.delete_nodes(node_ids=list(ids))

    def chunks_with_vectors(self, meeting_ids: Sequence[str] | None = None) -> tuple[list[Chunk], np.ndarray]:
        """The chunks of the given meetings (of every meeting when None) and their vectors, row by row.

        Read a page at a time: each record carries LlamaIndex's copy of the node, which is large
        and is dropped as soon as the chunk is made."""
        groups: list[list[str] | None] = [None]
        if meeting_ids is not None:
            ids = list(meeting_ids)
            groups = [ids[start : start + MEETINGS_PER_READ] for start in range(0, len(ids), MEETINGS_PER_READ)]
        chunks: list[Chunk] = []
        vectors: list[np.ndarray] = []
        for group in groups:
            where = None if group is None else {"meeting_id": {"$in": group}}
            offset = 0
            while True:
                with chroma_errors(self.location):
                    found = self._chunks.get(
                        where=where, include=["documents", "metadatas", "embeddings"], limit=PAGE, offset=offset
                    )
                records = zip(found["ids"], found["documents"], found["metadatas"], strict=True)
                chunks += [_chunk_from_record(chunk_id, text, metadata) for chunk_id, text, metadata in records]
                if len(found["ids"]):
                    vectors.append(np.asarray(found["embeddings"], dtype=np.float32))
                offset += len(found["ids"])
                if len(found["ids"]) < PAGE:
                    break
        return chunks, (np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32))

    def dense(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """The k chunks nearest the vector in Chroma's HNSW index, with their cosine similarity.
        (Filtered searches compare the catalog's vectors exactly: index.retrieval.)"""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        query = VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=k)
        with chroma_errors(self.location):
            result = self.llama_store.query(query)
        return [
            (_chunk_from_record(node.node_id, node.get_content(), node.metadata), cosine_from_llama(similarity))
            for node, similarity in zip(result.nodes or [], result.similarities or [], strict=True)
        ]


def cosine_from_llama(similarity: float) -> float:
    """LlamaIndex reports Chroma's cosine distance d as exp(-d); cosine similarity is 1 - d."""
    if similarity <= 0:
        return -1.0
    return 1.0 + math.log(similarity)


def chroma_dir(data_dir: Path) -> Path:
    path = Path(data_dir).expanduser() / "chroma"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot create the store directory {path}: {error.strerror}; choose another with --data-dir "
            "or ONRECORD_DATA_DIR"
        ) from error
    if not _writable(path):
        raise StoreError(
            f"the store directory {path} is not writable; fix its permissions or choose another with --data-dir"
        )
    return path


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK | os.X_OK) and all(
        os.access(child, os.W_OK) for child in path.rglob("*") if child.is_file()
    )


@contextmanager
def chroma_errors(location: str) -> Iterator[None]:
    """Chroma's own errors, reported as StoreError naming the store."""
    try:
        yield
    except StoreError:
        raise
    except Exception as error:
        module = type(error).__module__ or ""
        if not module.startswith(("chromadb", "httpx", "sqlite3", "llama_index")) and not isinstance(error, OSError):
            raise
        raise StoreError(f"the store at {location} failed: {error}") from error


def _meeting_metadata(
    transcript: Transcript, chunk_count: int, content_hash: str, status: str, model: str
) -> dict[str, Any]:
    return {
        "meeting_id": transcript.meeting_id,
        "title": transcript.title,
        "date": transcript.date.isoformat() if transcript.date else "",
        "source_path": transcript.source_path,
        "format": transcript.format,
        "media_url": transcript.media_url or "",
        "speakers": json.dumps(transcript.speakers),
        "topics": json.dumps([topic for topic in dict.fromkeys(t.topic for t in transcript.turns) if topic]),
        "turn_count": len(transcript.turns),
        "chunk_count": chunk_count,
        "content_hash": content_hash,
        "status": status,
        "model": model,
        "topic_source": "auto" if any(t.topic_source == "auto" for t in transcript.turns) else "",
    }


def _chunk_metadata(chunk: Chunk, day: Date | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "meeting_id": chunk.meeting_id,
        "turn_start": chunk.turn_start,
        "turn_end": chunk.turn_end,
        "speakers": json.dumps(list(chunk.speakers), ensure_ascii=False),
        "topic": chunk.topic or "",
        "topic_key": (chunk.topic or "").casefold(),
        "question": chunk.question or "",
        "start": _NO_TIME if chunk.start is None else chunk.start,
        "end": _NO_TIME if chunk.end is None else chunk.end,
        "word_pieces": chunk.word_pieces,
        "date": date_number(day),
    }
    for speaker in chunk.speakers:
        metadata[speaker_key(speaker)] = 1
    return metadata


def _chunk_from_record(chunk_id: str, text: str, metadata: dict[str, Any]) -> Chunk:
    def time(key: str) -> float | None:
        value = metadata.get(key, _NO_TIME)
        return None if value is None or value == "" or float(value) < 0 else float(value)

    return Chunk(
        id=chunk_id,
        meeting_id=str(metadata["meeting_id"]),
        text=text,
        turn_start=int(metadata["turn_start"]),
        turn_end=int(metadata["turn_end"]),
        speakers=tuple(json.loads(metadata.get("speakers") or "[]")),
        topic=metadata.get("topic") or None,
        question=metadata.get("question") or None,
        start=time("start"),
        end=time("end"),
        word_pieces=int(metadata.get("word_pieces") or 0),
    )


def turns_from(document: str) -> list[Turn]:
    """A meeting's turns from the JSON document `put_meeting` wrote (none from an empty one)."""
    return [_turn(fields) for fields in json.loads(document)] if document else []


def _turn(fields: dict[str, Any]) -> Turn:
    marks = tuple(tuple(mark) for mark in fields.get("marks", []))
    source = fields.get("topic_source")
    return Turn(**{**fields, "marks": marks, "topic_source": source if source == "auto" else None})


def _turn_fields(turn: Turn) -> dict[str, Any]:
    fields = turn.to_dict()
    fields["marks"] = [list(mark) for mark in turn.marks]
    return fields


def _record(metadata: dict[str, Any]) -> MeetingRecord:
    meeting = Meeting(
        meeting_id=metadata["meeting_id"],
        title=metadata["title"],
        date=Date.fromisoformat(metadata["date"]) if metadata.get("date") else None,
        source_path=metadata["source_path"],
        format=metadata["format"],
        media_url=metadata.get("media_url") or None,
        speakers=tuple(json.loads(metadata["speakers"])),
        topics=tuple(json.loads(metadata["topics"])),
        turn_count=int(metadata["turn_count"]),
        chunk_count=int(metadata["chunk_count"]),
        content_hash=metadata["content_hash"],
        model=metadata.get("model") or DEFAULT_MODEL,  # records written before models were named
        topic_source=metadata.get("topic_source") or None,
    )
    return MeetingRecord(meeting, metadata.get("status", COMPLETE))
