"""A question is embedded once however it is answered: narrowed to a meeting named in its words, or
as a timeline over several meetings, the same vector is used again."""

from __future__ import annotations

import pytest

from index.focus import focus


class CountingEmbedder:
    """The real model, counting the texts it is given (an Embedder of its own, not a mock)."""

    def __init__(self, embedder):
        self.embedder, self.dimension, self.texts = embedder, embedder.dimension, []

    def embed_batch(self, texts):
        self.texts.extend(texts)
        return self.embedder.embed_batch(texts)


@pytest.mark.parametrize(
    ("question", "scope"),
    [
        ("How has the Harbour Street bike lane progressed across council sessions?", "meetings"),
        ("When is the council's next regular session?", "needle"),  # a meeting named in its words
        ("What did the product sync say about the release date?", "needle"),
    ],
)
def test_a_question_is_embedded_once(samples_data_dir, settings_for, embedder, question, scope):
    from library import Library

    counting = CountingEmbedder(embedder)
    answer = Library(settings_for(samples_data_dir), counting).ask(question)
    assert answer.scope == scope
    asked = {question, focus(question)}
    assert sum(text in asked for text in counting.texts) == 1, counting.texts[:5]
