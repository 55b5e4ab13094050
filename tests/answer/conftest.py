"""What the written-answer tests share: a scripted OpenAI-compatible endpoint over real HTTP, one per
test module (each module scripts its own answers)."""

from __future__ import annotations

import pytest

from tests.llm_server import ScriptedLLM


@pytest.fixture(scope="module")
def server():
    scripted = ScriptedLLM()
    yield scripted
    scripted.close()
