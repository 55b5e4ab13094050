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


@pytest.fixture(scope="session")
def counter():
    from ingest.wordpieces import counter_for
    from onrecord.settings import model_path

    return counter_for(model_path("all-MiniLM-L6-v2"))


@pytest.fixture(scope="session")
def seed():
    from ingest.parsing import parse_file

    return parse_file(SEED)
