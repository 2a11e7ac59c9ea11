"""One asyncio event loop in a thread of its own, for code that is not async to run coroutines on.

python-telegram-bot is async, while sender workers and turns run in threads. Every Bot API call of
one channel runs on this one loop (its HTTP connections belong to it), whichever thread asks:
``run`` from a plain thread, ``run_from_loop`` from another event loop (the web app's). A new loop
per call would open new connections every time and could not share the bot's.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
STOP_TIMEOUT = 10.0


class LoopClosed(RuntimeError):
    """The loop was stopped (the process is shutting down): nothing more runs on it."""


class LoopThread:
    """Started on first use, stopped once; thread-safe."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The running loop (started now if it was not)."""
        with self._lock:
            if self._closed:
                raise LoopClosed(self._name)
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()
                self._thread = threading.Thread(target=self._serve, args=(loop, ready), name=self._name, daemon=True)
                self._thread.start()
                ready.wait()
                self._loop = loop
            return self._loop

    @staticmethod
    def _serve(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        loop.run_forever()

    def in_loop_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def run(self, make: Callable[[], Awaitable[T]], timeout: float | None = None) -> T:
        """Run ``make()`` on the loop and wait for its result (TimeoutError after ``timeout`` seconds,
        the coroutine then cancelled). The coroutine is made on the loop, so none is left unawaited."""
        if self.in_loop_thread():
            raise RuntimeError("run() would wait for its own loop: await the coroutine instead")
        loop = self.loop  # first: a closed loop raises before any coroutine exists
        future = asyncio.run_coroutine_threadsafe(self._made(make), loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    async def run_from_loop(self, make: Callable[[], Awaitable[T]]) -> T:
        """From another event loop: run ``make()`` here and await the result there."""
        loop = self.loop
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._made(make), loop))

    def submit(self, make: Callable[[], Awaitable[T]]) -> concurrent.futures.Future[T]:
        """Start ``make()`` on the loop without waiting for it."""
        loop = self.loop
        return asyncio.run_coroutine_threadsafe(self._made(make), loop)

    @staticmethod
    async def _made(make: Callable[[], Awaitable[T]]) -> T:
        return await make()

    def stop(self, finish: Callable[[], Awaitable[object]] | None = None) -> None:
        """Run ``finish()`` (closing connections), then stop the loop and join its thread."""
        with self._lock:
            loop, thread, self._closed = self._loop, self._thread, True
        if loop is None or thread is None:
            return
        if finish is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._made(finish), loop).result(STOP_TIMEOUT)
            except Exception:  # noqa: BLE001 - stopping goes on whatever closing connections raised
                pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(STOP_TIMEOUT)
        if not thread.is_alive():
            loop.close()
