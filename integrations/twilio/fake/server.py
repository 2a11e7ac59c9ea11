"""Serve an ASGI app on 127.0.0.1 from a background thread, so a test (or a demo script) keeps running
while real HTTP clients talk to it.

Binding the socket here, on port 0 unless told otherwise, gives each server a free port with no race
between picking a port and listening on it. The event loop is exposed so the owner can run its own
coroutines (outgoing webhooks, for instance) on the loop that serves requests.

The socket is made with an explicit IPPROTO_TCP: asyncio only turns Nagle's algorithm off on accepted
connections whose protocol says TCP, and without that every small request waits ~40 ms for a delayed ACK.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import uvicorn

try:  # uvicorn[standard] brings uvloop, which serves about twice the requests per second
    from uvloop import new_event_loop
except ImportError:  # pragma: no cover
    from asyncio import new_event_loop  # type: ignore[assignment]

T = TypeVar("T")
HOST = "127.0.0.1"


class ServerThread:
    """One uvicorn server on 127.0.0.1, started and stopped from the calling thread."""

    def __init__(self, app: Any, port: int = 0, startup_timeout: float = 10.0) -> None:
        self._app = app
        self._port = port
        self._startup_timeout = startup_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: BaseException | None = None
        self.url = ""

    def start(self) -> str:
        """Listen, serve in a daemon thread and return the base URL once requests are answered."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, self._port))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self._app, log_level="warning", access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._loop = new_event_loop()
        self._thread = threading.Thread(target=self._run, args=(sock,), name=f"asgi-{port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server on port {port} did not start") from self._failure
            time.sleep(0.005)
        self.url = f"http://{HOST}:{port}"
        return self.url

    def _run(self, sock: socket.socket) -> None:
        assert self._server is not None and self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._server.serve(sockets=[sock]))
        except BaseException as error:  # a failed startup exits with SystemExit: keep it for start() to report
            self._failure = error
        finally:
            sock.close()
            self._loop.close()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coroutine`` on the server's event loop and wait for its result."""
        if self._loop is None or self._loop.is_closed():
            coroutine.close()
            raise RuntimeError("server is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def stop(self) -> None:
        """Ask the server to finish (it closes connections and runs the app's shutdown) and wait for it."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._thread = None
