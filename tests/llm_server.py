"""An OpenAI-compatible chat server on a free loopback port that replays scripted answers over
real HTTP: streamed as server-sent events the way OpenAI, Ollama and llama.cpp send them, or
failing as scripted (an HTTP status, a stall, garbage). It records every request it gets."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Script:
    text: str | Callable[[dict], str] = ""  # the answer, or how to write it from the request
    status: int = 200
    stall: float = 0.0  # seconds to wait before answering
    piece_delay: float = 0.0  # seconds between streamed pieces
    garbage: bool = False  # a body that is not a chat answer


class ScriptedLLM:
    def __init__(self) -> None:
        self.scripts: deque[Script] = deque()
        self.requests: list[dict] = []
        self.default = Script("I have nothing scripted.")
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except (BrokenPipeError, ConnectionResetError):  # the client hung up (a timeout, a closed client)
                    self.close_connection = True

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server.requests.append(body)
                script = server.scripts.popleft() if server.scripts else server.default
                time.sleep(script.stall)
                if script.status != 200:
                    payload = json.dumps({"error": {"message": "scripted failure", "type": "server_error"}}).encode()
                    self._send(script.status, "application/json", payload)
                    return
                if script.garbage:
                    self._send(200, "text/event-stream", b"data: this is not json\n\n")
                    return
                if not body.get("stream"):
                    text = script.text(body) if callable(script.text) else script.text
                    message = {"role": "assistant", "content": text}
                    choice = {"index": 0, "message": message, "finish_reason": "stop"}
                    self._send(200, "application/json", json.dumps(_completion([choice], "chat.completion")).encode())
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                text = script.text(body) if callable(script.text) else script.text
                words = text.split(" ")
                for position, word in enumerate(words):
                    piece = word if position == len(words) - 1 else word + " "
                    choice = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
                    self._chunk(f"data: {json.dumps(_completion([choice], 'chat.completion.chunk'))}\n\n")
                    time.sleep(script.piece_delay)
                self._chunk("data: [DONE]\n\n")
                self._chunk("")  # the last, empty chunk

            def _chunk(self, text: str) -> None:
                data = text.encode()
                try:  # the client may have hung up (a timeout)
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, status: int, kind: str, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def say(self, *scripts: Script | str | Callable[[dict], str]) -> None:
        self.scripts.extend(s if isinstance(s, Script) else Script(s) for s in scripts)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _completion(choices: list[dict], kind: str) -> dict:
    return {"id": "scripted", "object": kind, "created": 0, "model": "scripted", "choices": choices}


def passage_number(request: dict, phrase: str) -> int:
    """The number the prompt gave the passage that holds `phrase`."""
    prompt = request["messages"][-1]["content"]
    for line in prompt.splitlines():
        if line.startswith("[") and phrase.casefold() in line.casefold():
            return int(line[1 : line.index("]")])
    raise AssertionError(f"no passage shown holds {phrase!r}:\n{prompt}")


def shown_count(request: dict) -> int:
    return sum(line.startswith("[") for line in request["messages"][-1]["content"].splitlines())
