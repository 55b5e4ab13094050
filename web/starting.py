"""The server while the page is being built. Importing Gradio and building the page takes longer
than opening the library (about 3 s against 1 s on two cores), so `onrecord serve` answers the
API at once and builds the page beside it: until the page is ready, `POST /api/ask` and the other
API routes answer (behind the Host check and the log-in of the full app), and every other path gets a
short page (503, Retry-After) that reloads itself.
Then the full app (web.api with the Gradio page mounted) takes over, its own lifespan started as
an ASGI server would start it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from library import Library
from web.api import Guarded, api

log = logging.getLogger(__name__)
STARTING_PAGE = """<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="1">
<title>On Record: starting</title></head><body style="font-family:sans-serif;margin:3em">
<h2>On Record</h2><p>The page is being built; it opens by itself in a moment.
The API (<code>POST /api/ask</code>) already answers.</p></body></html>"""


class Starting:
    """An ASGI app: the API alone while `make_app` builds the full app in a thread, then that app."""

    def __init__(self, library: Library, make_app: Callable[[], Any]):
        self.make_app = make_app
        self.app: Any = self._first(library)
        self.ready = asyncio.Event()
        self._full: Any = None
        self._lifespan: tuple[asyncio.Queue, asyncio.Queue, asyncio.Task] | None = None

    @staticmethod
    def _first(library: Library):
        first = api(library)

        @first.api_route("/{path:path}", methods=["GET", "HEAD", "POST"], include_in_schema=False)
        def starting(request: Request, path: str) -> HTMLResponse:
            return HTMLResponse(STARTING_PAGE, status_code=503, headers={"Retry-After": "1"})

        return Guarded(first, library.settings)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._serve_lifespan(receive, send)
        else:
            await self.app(scope, receive, send)

    async def _serve_lifespan(self, receive, send) -> None:
        await receive()  # lifespan.startup
        building = asyncio.create_task(self._take_over())
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        building.cancel()
        if self._lifespan is not None:
            inbox, outbox, _ = self._lifespan
            await inbox.put({"type": "lifespan.shutdown"})
            await outbox.get()
        await send({"type": "lifespan.shutdown.complete"})

    async def _take_over(self) -> None:
        """Build the full app off the event loop, start its lifespan, then route to it."""
        try:
            full = await asyncio.to_thread(self.make_app)
        except Exception:  # the API keeps answering; the page says why it is missing
            log.exception("the page could not be built")
            return
        inbox: asyncio.Queue = asyncio.Queue()
        outbox: asyncio.Queue = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
        task = asyncio.create_task(full(scope, inbox.get, outbox.put))
        await inbox.put({"type": "lifespan.startup"})
        started = await outbox.get()
        if started["type"] != "lifespan.startup.complete":
            log.error("the page could not start: %s", started.get("message", started["type"]))
            return
        self._lifespan = (inbox, outbox, task)
        self.app = full
        self.ready.set()
