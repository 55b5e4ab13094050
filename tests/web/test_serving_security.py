"""Serving safely: no public address without a log-in, every route behind the log-in when one is set,
and the Host header checked the same way on every route (the API, the page, /mcp)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATA, ROOT
from tests.web.conftest import free_port

LOGIN = ("clerk", "s3cret")
COUNCIL = "city_council_2024-03-12"
LISTED = ["/docs", "/redoc", "/openapi.json", "/gradio_api/startup-events"]  # answered 200 to anyone before
# What Gradio's own log-in page loads before anyone logs in, or tells nobody anything (a 200 without the log-in).
OPEN = {
    "/",
    "/logout",
    "/favicon.ico",
    "/theme.css",
    "/robots.txt",
    "/manifest.json",
    "/gradio_api/theme.css",
    "/gradio_api/user",
    "/gradio_api/token",
    "/gradio_api/app_id",
    "/gradio_api/runs",
}
STREAMING = re.compile(r"heartbeat|queue/data|\{event_id\}")  # would wait for events, not answer


def _environment(**more: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
    return {**keep, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", **more}


def _onrecord(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli", *args]


@contextmanager
def serving(data_dir: Path, *args: str, **environment: str):
    """`onrecord serve` in a process of its own on a free port: yields (its port, every line it prints,
    growing as it runs) once it listens."""
    port = free_port()
    command = _onrecord("serve", "--port", str(port), "--data-dir", str(data_dir), *args)
    server = subprocess.Popen(
        command, cwd=ROOT, env=_environment(**environment), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    printed: list[str] = []
    threading.Thread(target=lambda: printed.extend(server.stdout), daemon=True).start()
    try:
        deadline = time.monotonic() + 240
        while not any("On Record:" in line for line in printed) and time.monotonic() < deadline:
            assert server.poll() is None, f"onrecord serve stopped: {printed}"
            time.sleep(0.2)
        assert any("On Record:" in line for line in printed), printed
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/robots.txt", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield port, printed
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_public_address_without_a_login_is_refused_in_one_line(tmp_path):
    for args, environment in [
        (["--host", "0.0.0.0"], {}),
        ([], {"ONRECORD_HOST": "0.0.0.0"}),
        (["--host", "192.0.2.10"], {"ONRECORD_AUTH_USERNAME": "clerk"}),  # a username alone is no log-in
    ]:
        command = _onrecord("serve", "--data-dir", str(tmp_path / "library"), *args)
        refused = subprocess.run(
            command, cwd=ROOT, env=_environment(**environment), capture_output=True, text=True, timeout=120
        )
        assert refused.returncode == 1 and refused.stdout == "", refused.stdout
        message = refused.stderr.strip()
        assert "\n" not in message and "Traceback" not in message, message
        assert message.startswith("error: not serving on ") and "without a log-in" in message
        assert "ONRECORD_AUTH_USERNAME and ONRECORD_AUTH_PASSWORD" in message and "--no-auth" in message
        assert not (tmp_path / "library").exists()  # refused before the library is opened


def test_loopback_needs_no_login():
    from core.settings import load_settings
    from web.api import is_loopback

    assert all(is_loopback(host) for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LocalHost"))
    assert not any(is_loopback(host) for host in ("0.0.0.0", "::", "192.168.1.5", "example.com", "localhost.evil"))
    from app import refuse_open_public

    refuse_open_public(load_settings(host="localhost"), without_login=False)  # no error


def test_serve_says_it_ingests_the_samples_then_serves_open_with_no_auth(tmp_path):
    """A new library: the samples' ingest is said before the URL; --no-auth serves a public address open."""
    data_dir = tmp_path / "library"
    with serving(data_dir, "--host", "0.0.0.0", "--no-auth") as (port, printed):
        chapters = httpx.get(f"http://127.0.0.1:{port}/api/meetings/{COUNCIL}/chapters", timeout=30)
        assert chapters.status_code == 200 and chapters.json()["meeting_id"] == COUNCIL
    first, url = printed[:2]
    assert re.fullmatch(rf"Ingesting the 4 sample transcripts into a new library at {data_dir}… done in \d+ s\n", first)
    assert url == f"On Record: 4 meetings at http://0.0.0.0:{port}\n"


def test_with_a_login_every_listed_path_needs_it_on_the_real_server(samples_data_dir, tmp_path):
    """Served on every address with a log-in: the documentation, the schema and Gradio's startup-events
    answer 401 without it and work with it; the API too; a Host of any name is answered."""
    environment = {"ONRECORD_AUTH_USERNAME": LOGIN[0], "ONRECORD_AUTH_PASSWORD": LOGIN[1]}
    with serving(samples_data_dir, "--host", "0.0.0.0", **environment) as (port, printed):
        assert not any("Ingesting" in line for line in printed)  # a library with meetings is left as it is
        url = f"http://127.0.0.1:{port}"
        page_built(url)
        for path in LISTED:
            refused = httpx.get(url + path, timeout=30)
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Basic", path
            answered = httpx.get(url + path, auth=LOGIN, timeout=60)
            assert answered.status_code == 200, (path, answered.text[:200])
        assert httpx.get(f"{url}/openapi.json", auth=LOGIN, timeout=30).json()["info"]["title"] == "On Record"
        body = {"question": "When does construction of the Harbour Street bike lane start?"}
        assert httpx.post(f"{url}/api/ask", json=body, timeout=60).status_code == 401
        asked = httpx.post(f"{url}/api/ask", json=body, auth=LOGIN, headers={"Host": "council.example"}, timeout=60)
        assert asked.status_code == 200 and asked.json()["citations"], "".join(printed)
        assert httpx.get(f"{url}/config", timeout=30).status_code == 401  # the page: Gradio's own log-in
        assert httpx.post(f"{url}/mcp", json={}, timeout=30).status_code == 401


def page_built(url: str) -> None:
    deadline = time.monotonic() + 120
    while httpx.get(f"{url}/robots.txt", timeout=10).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.5)


def _paths(routes, prefix: str = ""):
    """(path, method) of every route of a Starlette app, through mounts and included routers."""
    for route in routes:
        if hasattr(route, "methods") or type(route).__name__ == "Route":
            for method in sorted(getattr(route, "methods", None) or {"GET", "POST"}):
                if method != "HEAD":
                    yield prefix + route.path, method
        elif hasattr(route, "routes"):
            yield from _paths(route.routes, prefix + getattr(route, "path", ""))
        elif hasattr(route, "original_router"):  # Gradio's router, included
            yield from _paths(route.original_router.routes, prefix + route.include_context.prefix)


def test_with_a_login_no_route_answers_without_it(tmp_path, settings_for, embedder):
    """Every route of the app, each asked without the log-in: refused, but for what Gradio's log-in page loads."""
    from fastapi.testclient import TestClient

    from app import create_app
    from library import Library

    library = Library(settings_for(tmp_path, auth_username=LOGIN[0], auth_password=LOGIN[1]), embedder)
    library.ingest([DATA / "notes.txt"])
    guarded = create_app(library)
    routes = sorted(set(_paths(guarded.app.routes)))
    assert len(routes) > 60 and ("/gradio_api/upload", "POST") in routes and ("/docs", "GET") in routes
    answered = []
    with TestClient(guarded) as client:
        for path, method in routes:
            if STREAMING.search(path):
                continue
            response = client.request(method, re.sub(r"\{[^}]+\}", "x", path))
            if response.status_code < 300 and path.rstrip("/") not in OPEN | {""}:
                answered.append((method, path, response.status_code))
        assert answered == []
        for path in LISTED:
            assert client.get(path).status_code == 401
            assert client.get(path, auth=LOGIN).status_code == 200, path


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/ask"),
        ("GET", f"/api/meetings/{COUNCIL}/chapters"),
        ("GET", "/"),
        ("GET", "/config"),
        ("GET", "/docs"),
        ("POST", "/mcp"),
    ],
)
def test_on_loopback_a_foreign_host_gets_421_on_every_route(app_url, method, path):
    """Bound to loopback without a log-in: a page whose name was rebound to 127.0.0.1 reads nothing."""
    port = app_url.rsplit(":", 1)[1]
    body = {"question": "When does construction of the Harbour Street bike lane start?"} if path == "/api/ask" else {}
    mcp = {"Accept": "application/json, text/event-stream"} if path == "/mcp" else {}

    def call(host: str) -> httpx.Response:
        headers = {"Host": host, **mcp}
        if method == "POST":
            return httpx.post(app_url + path, json=body, headers=headers, timeout=60)
        return httpx.get(app_url + path, headers=headers, timeout=60)

    foreign = call(f"evil.example:{port}")
    assert foreign.status_code == 421 and "ONRECORD_ALLOWED_HOSTS" in foreign.text, foreign.text
    assert call("127.0.0.1.evil.example").status_code == 421
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        assert call(host).status_code != 421, host
    if path == "/api/ask":
        assert call(f"localhost:{port}").json()["citations"]


def test_allowed_hosts_by_address_and_setting():
    from core.settings import load_settings
    from web.api import allowed_hosts

    assert allowed_hosts(load_settings(host="127.0.0.1")) == {"localhost", "127.0.0.1", "[::1]"}
    assert allowed_hosts(load_settings(host="0.0.0.0")) is None
    assert allowed_hosts(load_settings(host="0.0.0.0", allowed_hosts="records.example, Proxy.Example:8443")) == {
        "localhost",
        "127.0.0.1",
        "[::1]",
        "records.example",
        "proxy.example",
    }
    assert allowed_hosts(load_settings(host="192.168.1.5")) == {"192.168.1.5"}
    assert allowed_hosts(load_settings(host="127.0.0.1", allowed_hosts="*")) is None


def test_a_name_in_allowed_hosts_reaches_mcp_as_it_reaches_the_api(tmp_path, settings_for, embedder):
    """One Host check for every route: a name added in ONRECORD_ALLOWED_HOSTS opens /mcp too (the SDK's
    own check, which knows nothing of the setting, answered 421 there alone)."""
    from fastapi.testclient import TestClient

    from app import create_app
    from library import Library

    library = Library(settings_for(tmp_path, host="127.0.0.1", allowed_hosts="records.example"), embedder)
    library.ingest([DATA / "notes.txt"])
    start = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    accept = {"Accept": "application/json, text/event-stream"}
    with TestClient(create_app(library), base_url="http://127.0.0.1:7860") as client:
        for host, status in (("records.example:7860", 200), ("evil.example:7860", 421)):
            assert client.post("/mcp", json=start, headers={**accept, "Host": host}).status_code == status, host
            question = {"question": "When does the garden club meet?"}
            asked = client.post("/api/ask", json=question, headers={"Host": host})
            assert asked.status_code == status, host
