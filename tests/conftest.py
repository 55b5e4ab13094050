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
    from core.settings import model_path
    from ingest.wordpieces import counter_for

    return counter_for(model_path("all-MiniLM-L6-v2"))


@pytest.fixture(scope="session")
def seed():
    from ingest.parsing import parse_file

    return parse_file(SEED)


@pytest.fixture(scope="session")
def settings_for():
    """Settings for a data directory, as the CLI would build them."""
    from core.settings import load_settings

    def make(data_dir, **more):
        return load_settings(data_dir=data_dir, chroma_host=None, **more)

    return make


@pytest.fixture(scope="session")
def embedder():
    """The real embedding model, loaded once for the whole test session."""
    from core.settings import load_settings
    from index.embedding import load_embedder

    return load_embedder(load_settings(chroma_host=None))


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("seed-store")


@pytest.fixture(scope="session")
def seed_library(seed_data_dir, settings_for, embedder, counter):
    """A real Chroma directory holding the seed transcript and two fixtures; returns a Retriever."""
    from library import Library

    library = Library(settings_for(seed_data_dir), embedder)
    results = library.ingest([SEED, DATA / "plain.txt", DATA / "captions.vtt"])
    assert [r.status for r in results] == ["added"] * 3
    return library.retriever


@pytest.fixture(scope="session")
def samples_data_dir(tmp_path_factory, settings_for, embedder):
    """A data directory holding the sample transcripts, ingested with the real model."""
    from library import Library

    data_dir = tmp_path_factory.mktemp("samples-store")
    results = Library(settings_for(data_dir), embedder).ingest([ROOT / "samples"])
    assert {r.status for r in results} == {"added"}, results
    return data_dir


@pytest.fixture(scope="session")
def samples_library(samples_data_dir, settings_for, embedder):
    """The Library over the samples (the council meeting, the community call, the product sync, the podcast)."""
    from library import Library

    return Library(settings_for(samples_data_dir), embedder)
