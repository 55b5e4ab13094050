"""`onrecord serve` answers the API while Gradio builds the page, then serves the page."""

from __future__ import annotations

import threading
import time

import httpx

from tests.web.conftest import free_port


def test_the_api_answers_while_the_page_is_built_then_the_page_is_served(served):
    import uvicorn

    from app import create_app
    from web.starting import Starting

    _, library = served
    release = threading.Event()

    def make_app():
        assert release.wait(60), "the test never let the page be built"
        return create_app(library)

    app = Starting(library, make_app)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        asked = httpx.post(f"{url}/api/ask", json={"question": "How much is the rooftop garden budget?"}, timeout=30)
        assert asked.status_code == 200 and asked.json()["citations"], asked.text
        rebound = {"Host": f"evil.example:{port}"}  # the Host check holds while the page is built, too
        assert httpx.post(f"{url}/api/ask", json={"question": "budget"}, headers=rebound, timeout=30).status_code == 421
        assert httpx.get(f"{url}/docs", headers=rebound, timeout=30).status_code == 421
        waiting = httpx.get(f"{url}/", timeout=10)
        assert waiting.status_code == 503 and "being built" in waiting.text
        assert waiting.headers["retry-after"] == "1"
        release.set()
        deadline = time.monotonic() + 60
        page = waiting
        while page.status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
            page = httpx.get(f"{url}/", timeout=10)
        assert page.status_code == 200 and "gradio" in page.text.casefold()
        config = httpx.get(f"{url}/config", timeout=10)  # Gradio's own routes, started by its lifespan
        assert config.status_code == 200 and "components" in config.json()
        again = httpx.post(f"{url}/api/ask", json={"question": "How much is the rooftop garden budget?"}, timeout=30)
        assert again.json()["answer"] == asked.json()["answer"]
    finally:
        release.set()
        server.should_exit = True
        thread.join(timeout=20)
    assert not thread.is_alive(), "the server did not shut down (the page's lifespan was not ended)"
