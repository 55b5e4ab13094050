"""Language models that write answers: any OpenAI-compatible chat endpoint (Ollama, llama.cpp's
server, vLLM, LM Studio, a hosted API) through the `openai` client, or a local model file or folder
run in this process through transformers (a GGUF file is read with the `gguf` package).

A backend streams the text it writes. `stream_within` runs it in a thread and gives up at the
deadline, whatever the backend does: an endpoint that stalls, trickles or never answers costs at
most ONRECORD_LLM_TIMEOUT seconds. Every failure is an LLMError with one clear sentence."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Protocol

from core.errors import OnRecordError
from core.settings import Settings

MAX_TOKENS = 400  # a written answer is a few sentences
Messages = list[dict[str, str]]


class LLMError(OnRecordError):
    """The language model could not give an answer."""


class Backend(Protocol):
    name: str

    def stream(self, messages: Messages, timeout: float, stop: threading.Event) -> Iterator[str]:
        """The model's answer to the chat, piece by piece; it ends early once `stop` is set."""
        ...


class Endpoint:
    """An OpenAI-compatible chat endpoint (`/v1/chat/completions`), streamed."""

    def __init__(self, url: str, model: str | None, api_key: str | None):
        self.url = url.rstrip("/")
        self.model = model or "default"
        self.api_key = api_key or "not-needed"  # local servers take any key; the client wants one
        self.name = f"{self.model} at {self.url}"

    def stream(self, messages: Messages, timeout: float, stop: threading.Event) -> Iterator[str]:
        import openai

        client = openai.OpenAI(base_url=self.url, api_key=self.api_key, timeout=timeout, max_retries=0)
        try:
            response = client.chat.completions.create(
                model=self.model, messages=messages, stream=True, temperature=0, max_tokens=MAX_TOKENS
            )
            with response:
                for chunk in response:
                    if stop.is_set():
                        return
                    delta = chunk.choices[0].delta.content if chunk.choices else None
                    if delta:
                        yield delta
        except openai.RateLimitError as error:
            raise LLMError(
                f"the language model at {self.url} is rate-limited ({error.status_code}); try again later"
            ) from None
        except openai.APIStatusError as error:
            raise LLMError(
                f"the language model at {self.url} answered HTTP {error.status_code}; check ONRECORD_LLM_URL, "
                "ONRECORD_LLM_MODEL and ONRECORD_LLM_API_KEY"
            ) from None
        except openai.APITimeoutError:
            raise LLMError(f"the language model at {self.url} did not answer within {timeout:g} s") from None
        except openai.APIConnectionError:
            raise LLMError(
                f"cannot reach a language model at {self.url}; is the server running? (ONRECORD_LLM_URL)"
            ) from None
        except (openai.OpenAIError, ValueError, KeyError, IndexError, AttributeError, TypeError) as error:
            raise LLMError(
                f"the language model at {self.url} sent something that is not a chat answer ({error})"
            ) from None


class Local:
    """A model file (GGUF) or folder (transformers' own format), run here on the CPU."""

    def __init__(self, path: Path):
        self.path = Path(path).expanduser()
        self.name = self.path.name

    def stream(self, messages: Messages, timeout: float, stop: threading.Event) -> Iterator[str]:
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        model, tokenizer = _loaded(self.path)
        try:
            inputs = tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
        except (ValueError, TypeError, KeyError) as error:
            raise LLMError(f"the model in {self.path} has no chat template to prompt it with ({error})") from None
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=timeout)

        class Stopped(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs) -> bool:
                return stop.is_set()

        arguments = {
            **dict(inputs),
            "max_new_tokens": MAX_TOKENS,
            "do_sample": False,
            "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([Stopped()]),
            "pad_token_id": tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id,
        }
        failures: list[BaseException] = []

        def generate() -> None:
            try:
                model.generate(**arguments)
            except Exception as error:  # shown as an LLMError below; the streamer is ended either way
                failures.append(error)
                streamer.end()

        writer = threading.Thread(target=generate, daemon=True, name="onrecord-generate")
        writer.start()
        try:
            yield from streamer
        finally:
            stop.set()
            writer.join(timeout)
        if failures:
            raise LLMError(f"the model in {self.path} failed while writing: {failures[0]}")


@cache
def _loaded(path: Path):
    """The model and tokenizer at `path`, loaded once per process (a GGUF file is dequantized on load)."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # its bar of GGUF tensors is not ours to show

    if not path.exists():
        raise LLMError(f"no model at {path}; set ONRECORD_LLM_PATH to a GGUF file or a transformers model folder")
    folder, extra = (path.parent, {"gguf_file": path.name}) if path.is_file() else (path, {})
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), **extra)
        model = AutoModelForCausalLM.from_pretrained(str(folder), **extra)
    except (OSError, ValueError, RuntimeError, ImportError) as error:
        raise LLMError(f"cannot load the model in {path}: {str(error).splitlines()[0]}") from None
    model.eval()
    return model, tokenizer


def backend_for(settings: Settings) -> Backend:
    if settings.llm_path:
        return Local(settings.llm_path)
    if settings.llm_url:
        return Endpoint(settings.llm_url, settings.llm_model, settings.llm_api_key)
    raise LLMError(
        "no language model is set: set ONRECORD_LLM_URL (e.g. http://127.0.0.1:11434/v1 for Ollama) and "
        "ONRECORD_LLM_MODEL, or ONRECORD_LLM_PATH to a local model file"
    )


def stream_within(
    backend: Backend, messages: Messages, timeout: float, on_text: Callable[[str], None] | None = None
) -> str:
    """The backend's whole answer, each piece passed to `on_text` as it comes; an LLMError when it
    fails, sends nothing, or is not done `timeout` seconds from now."""
    pieces: queue.Queue = queue.Queue()
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for piece in backend.stream(messages, timeout, stop):
                pieces.put(piece)
        except LLMError as error:
            pieces.put(error)
        except Exception as error:  # a backend's own failure: one message, never a traceback
            pieces.put(LLMError(f"the language model failed: {error}"))
        pieces.put(done)

    threading.Thread(target=produce, daemon=True, name="onrecord-llm").start()
    deadline = time.monotonic() + timeout
    written: list[str] = []
    while True:
        try:
            piece = pieces.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            stop.set()
            raise LLMError(
                f"the language model ({backend.name}) took longer than {timeout:g} s (ONRECORD_LLM_TIMEOUT)"
            ) from None
        if piece is done:
            break
        if isinstance(piece, LLMError):
            stop.set()
            raise piece
        written.append(piece)
        if on_text:
            on_text(piece)
    text = "".join(written).strip()
    if not text:
        raise LLMError(f"the language model ({backend.name}) sent an empty answer")
    return text
