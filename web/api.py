"""The HTTP face of the app: `POST /api/ask`, a meeting's chapters (JSON and a WebVTT track) and the
optional log-in, around the Gradio page."""

from __future__ import annotations

import secrets
from datetime import date as Date

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field

from answer.library import Library
from core.errors import OnRecordError
from core.settings import Settings
from ingest.chapters import vtt_track
from web.questions import answer_question


class AskRequest(BaseModel):
    """The body of `POST /api/ask`; only `question` is required."""

    question: str = Field(max_length=20_000)
    meeting: str | list[str] | None = None  # one meeting id, or a list: the question is asked of those meetings
    date_from: Date | None = None
    date_to: Date | None = None
    speaker: str | None = None
    topic: str | None = None
    mode: str = "hybrid"
    k: int = 8
    answerer: str = "extractive"  # or "llm": written by ONRECORD_LLM_URL's (or _PATH's) model, then checked


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
                library,
                request.question,
                request.meeting,
                request.speaker,
                request.topic,
                request.mode,
                request.k,
                request.answerer,
                dates=(request.date_from, request.date_to),
            )
        except OnRecordError as error:
            raise HTTPException(400, str(error)) from None
        return answer.to_dict()

    @app.get("/api/meetings/{meeting_id}/chapters", dependencies=[Depends(check)])
    def meeting_chapters(meeting_id: str) -> dict:
        """The same JSON as `onrecord chapters MEETING --json`."""
        try:
            meeting, found = library.chapters(meeting_id)
        except OnRecordError as error:
            raise HTTPException(404, str(error)) from None
        return {"meeting_id": meeting.meeting_id, "title": meeting.title, "chapters": [c.to_dict() for c in found]}

    @app.get("/api/meetings/{meeting_id}/minutes", dependencies=[Depends(check)])
    def meeting_minutes(meeting_id: str) -> dict:
        """The same JSON as `onrecord minutes MEETING --json`."""
        try:
            return library.minutes(meeting_id).to_dict()
        except OnRecordError as error:
            raise HTTPException(404, str(error)) from None

    @app.get("/api/meetings/{meeting_id}/chapters.vtt", dependencies=[Depends(check)])
    def chapters_track(meeting_id: str) -> PlainTextResponse:
        """A WebVTT chapters track, for a video player's `<track kind="chapters">`."""
        try:
            meeting, found = library.chapters(meeting_id)
            track = vtt_track(found, meeting.meeting_id)
        except OnRecordError as error:
            raise HTTPException(404, str(error)) from None
        return PlainTextResponse(track, media_type="text/vtt")

    return app
