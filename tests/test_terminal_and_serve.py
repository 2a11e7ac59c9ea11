"""The two ways to try bizwatch without credentials: `bizwatch chat` and `bizwatch serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from bot.terminal import run_chat


def test_terminal_chat_numbers_the_options_and_accepts_the_number(engine):
    lines = iter(["report a crime", "1", "quit"])
    shown: list[str] = []
    run_chat(engine, read=lambda prompt: next(lines), write=shown.append, address="till-1")
    output = "\n".join(shown)
    assert "1. No, it's over\n2. Yes, danger now" in output
    assert "4. Break-in (burglary)" in output  # the answer "1" was taken as "No, it's over"


def test_serve_starts_on_a_fresh_machine_with_no_settings(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIZWATCH_")}
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "bizwatch serve did not answer in 90 s"
            time.sleep(0.2)
        # As the chat page does: the page gives a chat cookie, the message goes with it.
        visitor = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
        visitor.get("/")
        reply = visitor.post("/webhooks/rest/webhook", json={"message": "someone smashed our window"}).json()
        assert "criminal damage" in reply[0]["text"]
        assert (tmp_path / "var" / "bizwatch.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=20)
