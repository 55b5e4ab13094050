"""Written answers in an evaluation: the configured language model answers each question as
`onrecord ask --answerer llm` does, and every sentence it writes is checked
(answer.written.writer). Beside the usual figures, ALCE-style citation support: the share of the sentences
it wrote that the passages they cite support."""

from __future__ import annotations

from answer.written.client import Backend
from core.errors import OnRecordError
from eval.suites import Question
from eval.systems import Outcome, cited, options_for
from library import Library


class WrittenAnswers:
    """The question asked as users ask it with `--answerer llm` (Library.ask, the library's
    configured model), checked; when the model fails or nothing it wrote holds, the extractive
    answer shown in its place is what is scored."""

    name = "onrecord-llm"
    ranks = False  # its retrieval is onrecord-hybrid's, scored there

    def __init__(self, library: Library):
        self.library = library

    def run(self, question: Question) -> Outcome:
        result = self.library.ask(question.question, options_for(question, answerer="llm"))
        return Outcome([], [], result.text, result.abstained, cited(result), written_figures(result))


def written_figures(result) -> dict[str, float | None]:
    """Per question: the sentences the model wrote, the share the check kept (None when the model
    was not asked or wrote nothing to check), and whether its answer was shown at all."""
    checks = result.verification
    asked = not result.abstained
    failed = asked and not checks and result.answerer != "llm"  # an error, a timeout: the extractive one shown
    return {
        "generated_sentences": float(len(checks)) if asked else None,
        "sentence_support": (sum(check.supported for check in checks) / len(checks)) if checks else None,
        "written_shown": float(result.answerer == "llm") if asked else None,
        "model_failed": float(failed) if asked else None,
    }


def backend_or_message(library) -> Backend:
    """The library's language model, or a message saying how to configure one."""
    if not library.settings.llm_configured:
        raise OnRecordError(
            "--answerer llm needs a language model: set ONRECORD_LLM_URL (an OpenAI-compatible endpoint, "
            "e.g. http://127.0.0.1:11434/v1 for Ollama) and ONRECORD_LLM_MODEL, or ONRECORD_LLM_PATH "
            "(a model file or folder)"
        )
    return library.llm
