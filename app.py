"""On Record's web front end: ask with cited answers, open the transcript at a citation, browse
meetings, manage the library, run evaluations. Served by `make run`, `python app.py` or
`onrecord serve`; `POST /api/ask` answers like `onrecord ask --json`. Each tab is a module of
web/; this file puts the page together and serves it. Gradio is imported only to build the page:
a server answers the API while the page is being built (web.starting)."""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import OnRecordError, SettingsError
from core.settings import Settings, load_settings, offline
from index.embedding import Embedder
from library import Library

if TYPE_CHECKING:
    import gradio as gr

ROOT = Path(__file__).resolve().parent
SAMPLES = ROOT / "samples"
REPORTS = ROOT / "reports"
CACHE_SWEEP = (3600, 3600)  # every hour, Gradio's copies of files older than an hour are deleted


def build(library: Library, reports_dir: Path = REPORTS) -> gr.Blocks:
    """The Gradio page over a library."""
    import gradio as gr

    from web.ask import ask_tab, choices, gradio_api
    from web.browse import browse_tab
    from web.evaluation import evaluation_tab
    from web.library_tab import library_tab

    with gr.Blocks(title="On Record", delete_cache=CACHE_SWEEP) as page:
        gr.HTML(
            "<h2 style='margin:0'>On Record</h2>"
            "<p style='margin:0'>Ask the transcripts; every sentence cites its passage.</p>"
        )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                asking = ask_tab(library)
            with gr.Tab("Browse", id="browse"):
                browsing = browse_tab(library, choices(library)[0][1:])
            with gr.Tab("Library", id="library"):
                menus = [asking.meeting, asking.speaker, asking.topic, browsing.meeting]
                table, refreshed = library_tab(library, menus)
                # a rename or merge in Browse's Speakers panel changes the names in the Ask tab's speaker menu
                browsing.speakers.changed.change(
                    partial(_speakers_now, library), None, asking.speaker, api_visibility="private"
                )
            with gr.Tab("Evaluation", id="evaluation"):
                evaluation_tab(library, reports_dir, page)
        gr.api(gradio_api(library), api_name="ask")
        # a page opened after uploads or removals shows the library as it is now
        page.load(partial(_library_now, library), None, [table, *refreshed], api_visibility="private")
    return page


def _speakers_now(library: Library):
    import gradio as gr

    from web.ask import choices

    return gr.update(choices=choices(library)[1])


def _library_now(library: Library) -> tuple:
    from web.library_tab import filter_updates, meetings_rows

    return (meetings_rows(library), *filter_updates(library))


def create_app(library: Library, reports_dir: Path = REPORTS):
    """A FastAPI app: the Gradio page at /, `POST /api/ask` and the MCP tools at /mcp, behind the optional
    log-in."""
    import gradio as gr

    from web import render
    from web.agents import mount_agents
    from web.api import Guarded, api, credentials

    settings = library.settings
    app = api(library)
    mount_agents(app, library)
    page = gr.mount_gradio_app(
        app,
        build(library, reports_dir),
        path="/",
        auth=credentials(settings),
        max_file_size=f"{settings.max_upload_mb}mb",
        css=render.CSS,
        js=render.JS,
        footer_links=["api"],
    )
    return Guarded(page, settings)  # outside /mcp too: one Host check and one log-in for every route


def ensure_samples(library: Library) -> None:
    """A new, empty library starts with the sample transcripts, so there is something to ask; it says so,
    as the first start spends seconds on them."""
    if library.meetings() or library.records() or not SAMPLES.is_dir():
        return
    from ingest.parsing import transcript_files

    started = time.perf_counter()
    count = len(list(transcript_files([SAMPLES])))
    print(
        f"Ingesting the {count} sample transcripts into a new library at {library.settings.data_dir}…",
        end="",
        flush=True,
    )
    results = library.ingest([SAMPLES])
    failed = sum(result.status == "failed" for result in results)
    print(f" done in {time.perf_counter() - started:.0f} s" + (f" ({failed} failed)" if failed else ""), flush=True)


def refuse_open_public(settings: Settings, without_login: bool) -> None:
    """Serving on an address others can reach, with no log-in set, needs `--no-auth` said out loud."""
    from web.api import credentials, is_loopback

    if not is_loopback(settings.host) and credentials(settings) is None and not without_login:
        raise SettingsError(
            f"not serving on {settings.host} without a log-in: anyone who reaches it could read and change the "
            "library; set ONRECORD_AUTH_USERNAME and ONRECORD_AUTH_PASSWORD, or give --no-auth to serve it open"
        )


def serve(settings: Settings, embedder: Embedder | None = None, without_login: bool = False) -> None:
    """Open the library (ingesting the samples into a new one) and serve it until stopped: the API
    at once, the page as soon as Gradio has built it (a page that says so until then). On an address
    other than loopback, a log-in is required unless `without_login`."""
    import uvicorn

    from web.starting import Starting

    refuse_open_public(settings, without_login)
    offline()
    library = Library(settings, embedder)
    ensure_samples(library)
    _ = library.retriever  # the catalog and the model loaded before the first question
    print(f"On Record: {len(library.meetings())} meetings at http://{settings.host}:{settings.port}", flush=True)
    app = Starting(library, partial(create_app, library))
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    offline()
    try:
        serve(load_settings())
    except OnRecordError as error:
        sys.exit(f"error: {error}")
