"""The HTTP face of the app: `POST /api/ask` and the optional log-in, around the Gradio page."""

from __future__ import annotations

import secrets

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field

from core.errors import OnRecordError
from core.settings import Settings
from index.library import Library
from web.ask import answer_question


class AskRequest(BaseModel):
    """The body of `POST /api/ask`; only `question` is required."""

    question: str = Field(max_length=20_000)
    meeting: str | None = None
    speaker: str | None = None
    topic: str | None = None
    mode: str = "hybrid"
    k: int = 8


def credentials(settings: Settings) -> tuple[str, str] | None:
    if settings.auth_username and settings.auth_password:
        return settings.auth_username, settings.auth_password
    return None


def api(library: Library) -> FastAPI:
    """A FastAPI app with `POST /api/ask` behind the log-in, when one is set."""
    auth = credentials(library.settings)
    app = FastAPI(title="On Record")
    basic = HTTPBasic(auto_error=False)

    def check(given: HTTPBasicCredentials | None = Depends(basic)) -> None:
        if auth is None:
            return
        if given is None or not (
            secrets.compare_digest(given.username, auth[0]) and secrets.compare_digest(given.password, auth[1])
        ):
            raise HTTPException(
                401, "log in with the username and password set in ONRECORD_AUTH_*", {"WWW-Authenticate": "Basic"}
            )

    @app.post("/api/ask", dependencies=[Depends(check)])
    def ask(request: AskRequest) -> dict:
        """The same JSON as `onrecord ask --json`."""
        try:
            answer = answer_question(
                library, request.question, request.meeting, request.speaker, request.topic, request.mode, request.k
            )
        except OnRecordError as error:
            raise HTTPException(400, str(error)) from None
        return answer.to_dict()

    return app
