"""The HTTP face of the app: `POST /api/ask`, a meeting's chapters (JSON and a WebVTT track), and the
two checks in front of the whole app (`Guarded`): the Host header, and the optional log-in."""

from __future__ import annotations

import ipaddress
import secrets
from datetime import date as Date
from typing import Any

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocketClose

from answer.question.thread import history_from
from core.errors import OnRecordError
from core.settings import Settings
from ingest.chapters import vtt_track
from library import Library
from web import speaker_api
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
    # the thread so far, oldest first: [{"question": ..., "answer": ...}, ...]; checked by history_from, whose
    # one-line message a bad one gets (400)
    history: Any = None


LOG_IN = "log in with the username and password set in ONRECORD_AUTH_*"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
WILDCARD_ADDRESSES = frozenset({"0.0.0.0", "::", "[::]", ""})
# Paths the Gradio page does not answer itself, so the basic log-in guards them: the API, the MCP tools,
# FastAPI's documentation of the API, and Gradio's startup-events (which runs the page's start-up again).
BASIC_PATHS = ("/api/", "/mcp", "/docs", "/redoc", "/openapi.json", "/gradio_api/startup-events")


def credentials(settings: Settings) -> tuple[str, str] | None:
    if settings.auth_username and settings.auth_password:
        return settings.auth_username, settings.auth_password
    return None


def _accepted(given: HTTPBasicCredentials | None, login: tuple[str, str]) -> bool:
    return given is not None and (
        secrets.compare_digest(given.username.encode(), login[0].encode())
        & secrets.compare_digest(given.password.encode(), login[1].encode())
    )


def is_loopback(host: str) -> bool:
    """Whether an address to listen on is reachable from this machine only."""
    name = host.strip().strip("[]").casefold()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(host: str) -> str:
    """The name in a Host header or an address, without its port, lower case; an IPv6 address in brackets."""
    host = host.strip().casefold()
    if host.startswith("["):
        return host[: host.find("]") + 1]
    if host.count(":") > 1:  # an IPv6 address as given to --host
        return f"[{host}]"
    return host.partition(":")[0].rstrip(".")


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The Host names the app answers (None: any). Served on loopback: localhost, 127.0.0.1 and [::1] (so a
    web page whose name was rebound to 127.0.0.1 cannot read it); on one address: that address; on every
    address (0.0.0.0 or ::): any name; ONRECORD_ALLOWED_HOSTS adds names ("*": any). Ports are not compared."""
    listed = {host_name(name) for name in settings.allowed_hosts.split(",") if name.strip()}
    if "*" in listed:
        return None
    if is_loopback(settings.host):
        return LOOPBACK_HOSTS | listed
    if settings.host.strip().casefold() in WILDCARD_ADDRESSES:
        return LOOPBACK_HOSTS | listed if listed else None
    return frozenset({host_name(settings.host), *listed})


class Guarded:
    """An ASGI app in front of the whole app, every route and every phase of it alike: a request whose
    Host header names another host gets 421; with a log-in set, the paths of BASIC_PATHS need it (401),
    and the Gradio page asks for it with its own form."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.hosts = allowed_hosts(settings)
        self.login = credentials(settings)
        self.basic = HTTPBasic(auto_error=False)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        refusal = None
        if not self._host_allowed(connection):
            refusal = PlainTextResponse(
                f"this server does not answer for the host {connection.headers.get('host', '')!r}; open it at "
                "the address it listens on, or add the name to ONRECORD_ALLOWED_HOSTS",
                status_code=421,
            )
        elif self.login and scope["path"].startswith(BASIC_PATHS) and not await self._logged_in(connection):
            refusal = JSONResponse({"detail": LOG_IN}, 401, {"WWW-Authenticate": "Basic"})
        if refusal is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await WebSocketClose(code=1008)(scope, receive, send)
        else:
            await refusal(scope, receive, send)

    async def _logged_in(self, connection: HTTPConnection) -> bool:
        try:
            given = await self.basic(connection)
        except HTTPException:  # a header that is not base64 of name:password
            return False
        return _accepted(given, self.login)  # type: ignore[arg-type]

    def _host_allowed(self, connection: HTTPConnection) -> bool:
        if self.hosts is None:
            return True
        name = host_name(connection.headers.get("host", ""))
        server = connection.scope.get("server")  # the address the request came in at: never a rebound name
        return name in self.hosts or (server is not None and name == host_name(str(server[0])))


def api(library: Library) -> FastAPI:
    """A FastAPI app with `POST /api/ask` behind the log-in, when one is set (`Guarded` checks it again in
    front of the whole app)."""
    auth = credentials(library.settings)
    app = FastAPI(title="On Record")
    basic = HTTPBasic(auto_error=False)

    def check(given: HTTPBasicCredentials | None = Depends(basic)) -> None:
        if auth is not None and not _accepted(given, auth):
            raise HTTPException(401, LOG_IN, {"WWW-Authenticate": "Basic"})

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
                history=history_from(request.history),
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

    speaker_api.register(app, library, check)
    return app
