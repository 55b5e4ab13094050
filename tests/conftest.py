from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared" / "data"
SEED = SHARED / "seed" / "office_hours_2022-03-24.txt"
QMSUM = SHARED / "qmsum"
# The documented JSON fields (README, "Command line"): of a search hit, and of an answer's citation.
PASSAGE_KEYS = {
    "text",
    "meeting_id",
    "title",
    "date",
    "speakers",
    "topic",
    "turn_start",
    "turn_end",
    "start",
    "end",
    "url",
    "score",
}
HIT_KEYS = PASSAGE_KEYS | {"rank", "chunk_id"}
CITATION_KEYS = PASSAGE_KEYS | {"n"}


@pytest.fixture(scope="session")
def counter():
    from ingest.wordpieces import counter_for
    from onrecord.settings import model_path

    return counter_for(model_path("all-MiniLM-L6-v2"))


@pytest.fixture(scope="session")
def seed():
    from ingest.parsing import parse_file

    return parse_file(SEED)


@pytest.fixture(scope="session")
def settings_for():
    """Settings for a data directory, as the CLI would build them."""
    from onrecord.settings import load_settings

    def make(data_dir, **more):
        return load_settings(data_dir=data_dir, chroma_host=None, **more)

    return make


@pytest.fixture(scope="session")
def embedder():
    """The real embedding model, loaded once for the whole test session."""
    from index.api import load_embedder
    from onrecord.settings import load_settings

    return load_embedder(load_settings(chroma_host=None))


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("seed-store")


@pytest.fixture(scope="session")
def seed_library(seed_data_dir, settings_for, embedder, counter):
    """A real Chroma directory holding the seed transcript and two fixtures; returns a Retriever."""
    from index.api import open_retriever, open_store
    from index.writer import ingest_paths

    settings = settings_for(seed_data_dir)
    store = open_store(settings)
    results = ingest_paths(
        [SEED, DATA / "plain.txt", DATA / "captions.vtt"],
        store,
        embedder,
        counter.count,
        settings.chunk_budget,
        settings.embedding_id,
    )
    assert [r.status for r in results] == ["added"] * 3
    return open_retriever(settings, embedder, store)
