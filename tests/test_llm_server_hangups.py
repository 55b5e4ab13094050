"""The scripted language-model server takes a client's hang-up quietly: no traceback in the test log."""

from __future__ import annotations

import json
import socket
import struct
import time
from urllib.parse import urlsplit

from tests.llm_server import ScriptedLLM


def _reset(address: tuple[str, int], request: bytes) -> bytes:
    """Send a request on a kept-alive connection, read some of the answer, then hang up with a reset."""
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request)
        answer = sock.recv(65536)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close sends RST
    return answer


def test_a_client_that_resets_its_connection_leaves_no_traceback(capsys):
    llm = ScriptedLLM()
    try:
        parts = urlsplit(llm.url)
        body = json.dumps({"messages": [{"role": "user", "content": "hi"}], "stream": False}).encode()
        head = f"POST /v1/chat/completions HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        request = head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        for _ in range(5):
            assert _reset((parts.hostname, parts.port), request).startswith(b"HTTP/1.1 200")
        time.sleep(0.5)  # the handler threads read the reset
    finally:
        llm.close()
    logged = capsys.readouterr().err
    assert "Traceback" not in logged and "ConnectionResetError" not in logged, logged
