"""The two ways to try bizwatch without credentials: `bizwatch chat` and `bizwatch serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from bot.channels.terminal import run_chat


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


def test_terminal_chat_greets_with_the_menu_and_wraps_words_not_letters(engine):
    lines = iter(["1", "no", "quit"])
    shown: list[str] = []
    run_chat(engine, read=lambda prompt: next(lines), write=shown.append, address="till-2", width=40)
    output = "\n".join(shown)
    assert "1. Report a crime\n2. Prevention advice" in output  # the menu first, and "1" picks from it
    assert "is the person still there" in output.replace("\n", " ")
    for line in output.splitlines():
        assert len(line) <= 40 or " " not in line.strip(), line
    words = set(output.replace("\n", " ").split())
    assert {"Drive-off", "'cancel'", "(burglary)", "emergency"} <= words  # no word broken across lines
    assert "8. Cyber attack or hacking" in output


def test_terminal_chat_offers_to_carry_on_a_report_left_part_way(engine):
    first = iter(["report a crime", "no", "quit"])
    run_chat(engine, read=lambda prompt: next(first), write=lambda text: None, address="till-3")
    again = iter(["1", "quit"])
    shown: list[str] = []
    run_chat(engine, read=lambda prompt: next(again), write=shown.append, address="till-3")
    output = "\n".join(shown)
    assert "Welcome back" in output and "1. Carry on" in output
    assert "What happened? Pick one" in output


def test_long_text_is_split_at_the_most_natural_break_never_inside_a_word():
    from bot.channels.plain import split_text

    text = "Header.\n\n" + "He put six steaks in his coat and walked out. " * 100
    pieces = split_text(text, 4096)
    assert all(len(piece) <= 4096 for piece in pieces) and len(pieces) == 2
    assert " ".join(pieces).split() == text.split()
    assert split_text("x" * 10000, 4096) == ["x" * 4096, "x" * 4096, "x" * 1808]  # no break at all: at the limit
