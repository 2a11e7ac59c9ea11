"""RasaHttpInterpreter against a fake Rasa server on 127.0.0.1 (and a dead port, and a slow one)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from nlu.rasa_http import InterpreterUnavailable, RasaHttpInterpreter


class FakeRasa(BaseHTTPRequestHandler):
    """Speaks enough of Rasa's HTTP API: POST /model/parse with an optional ?token=."""

    token = "s3cret"
    delay = 0.0
    status = 200
    requests: list = []

    def do_POST(self):  # noqa: N802 (http.server naming)
        url = urlparse(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((url.path, parse_qs(url.query), body))
        time.sleep(self.delay)
        if url.path != "/model/parse":
            return self._send(404, {"status": "failure"})
        if parse_qs(url.query).get("token") != [self.token]:
            return self._send(401, {"status": "failure", "reason": "NotAuthenticated"})
        if self.status != 200:
            return self._send(self.status, {"status": "failure", "message": "boom"})
        text = body["text"]
        intent = {"name": None, "confidence": 0.0} if text == "???" else {"name": "greet", "confidence": 0.97}
        return self._send(200, {"text": text, "intent": intent, "entities": [],
                                "intent_ranking": [intent], "response_selector": {}})

    def _send(self, status, payload):
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_rasa():
    handler = type("Handler", (FakeRasa,), {"requests": [], "delay": 0.0, "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_parse_over_http(fake_rasa):
    handler, url = fake_rasa
    result = RasaHttpInterpreter(url + "/", token="s3cret").parse("hiya")
    assert result["intent"] == {"name": "greet", "confidence": 0.97}
    assert handler.requests == [("/model/parse", {"token": ["s3cret"]}, {"text": "hiya"})]


def test_no_intent_from_rasa_becomes_out_of_scope(fake_rasa):
    _, url = fake_rasa
    assert RasaHttpInterpreter(url, token="s3cret").parse("???")["intent"]["name"] == "out_of_scope"


def test_wrong_token_is_a_clear_error(fake_rasa):
    _, url = fake_rasa
    with pytest.raises(InterpreterUnavailable, match="refused the token"):
        RasaHttpInterpreter(url, token="wrong").parse("hiya")


def test_server_error_is_reported(fake_rasa):
    handler, url = fake_rasa
    handler.status = 500
    with pytest.raises(InterpreterUnavailable, match="HTTP 500"):
        RasaHttpInterpreter(url, token="s3cret").parse("hiya")


def test_timeout(fake_rasa):
    handler, url = fake_rasa
    handler.delay = 1.0
    started = time.perf_counter()
    with pytest.raises(InterpreterUnavailable, match="did not answer within 0.2s"):
        RasaHttpInterpreter(url, token="s3cret", timeout=0.2).parse("hiya")
    assert time.perf_counter() - started < 0.9


def test_server_down():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InterpreterUnavailable, match=f"cannot reach Rasa server at http://127.0.0.1:{port}"):
        RasaHttpInterpreter(f"http://127.0.0.1:{port}", timeout=1.0).parse("hiya")


def test_bad_url_is_rejected():
    with pytest.raises(ValueError, match="http"):
        RasaHttpInterpreter("localhost:5005")
