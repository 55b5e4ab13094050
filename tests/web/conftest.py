from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT, SEED

SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(library, reports):
    """The real app over `library`, served by uvicorn on the port its settings name; yields its URL."""
    import uvicorn

    from app import create_app

    port = library.settings.port
    app = create_app(library, reports)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started, "the app did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def served(tmp_path_factory, settings_for, embedder):
    """The real app, served by uvicorn on a free loopback port, over the seed, the samples and a
    hostile transcript: (its URL, the library it serves)."""
    from app import SAMPLES
    from library import Library

    settings = settings_for(tmp_path_factory.mktemp("app-store"), port=free_port())
    library = Library(settings, embedder)
    results = library.ingest([SEED, SAMPLES, DATA / "hostile.txt"])
    assert all(r.status == "added" for r in results), results
    with serving(library, tmp_path_factory.mktemp("reports")) as url:
        yield url, library


@pytest.fixture(scope="session")
def app_url(served):
    return served[0]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is needed: make browser"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@contextmanager
def opened(browser, url: str, name: str):
    """A fresh page on the app at `url`; a screenshot of it is saved when it closes."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea, #question input", timeout=30_000)
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture()
def page(browser, app_url, request):
    with opened(browser, app_url, request.node.name) as page:
        yield page
