"""The terminal channel (`bizwatch chat`): try a conversation without any credentials."""

from __future__ import annotations

import getpass
import shutil
import textwrap
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from bot.channels.plain import render_plain
from bot.engine import DatabaseUnavailable, Engine
from bot.messages import Inbound, Outbound

MAX_WIDTH = 100


def wrap(text: str, width: int) -> str:
    """Wrap each line at word boundaries; a numbered option or bullet keeps its hanging indent."""
    lines = []
    for line in text.split("\n"):
        marker = len(line) - len(line.lstrip("-0123456789. "))
        lines.append(textwrap.fill(line, width=width, subsequent_indent=" " * min(marker, 6),
                                   break_long_words=False, break_on_hyphens=False) if line else "")
    return "\n".join(lines)


def run_chat(engine: Engine, read: Callable[[str], str] = input, write: Callable[[str], None] = print,
             address: str | None = None, width: int | None = None) -> None:
    """Greet, then read lines, hand them to the engine and print the replies; Ctrl-D or 'quit' leaves."""
    address = address or getpass.getuser()
    width = width or min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)

    def show(replies: list[Outbound]) -> None:
        for reply in replies:
            write(wrap(render_plain(reply), width) + "\n")

    write(wrap("bizwatch: report a crime or ask for prevention advice. In an emergency call 999. Type 'quit' "
               "to leave (your progress is kept).", width) + "\n")
    try:
        show(engine.greet("terminal", address))
    except DatabaseUnavailable:
        write("Sorry, the database isn't answering just now. Please try again in a moment.")
    while True:
        try:
            line = read("> ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if line.strip().lower() in ("quit", ":q", "exit chat"):
            return
        inbound = Inbound(channel="terminal", address=address, message_id=uuid.uuid4().hex, text=line,
                          received_at=datetime.now(timezone.utc))
        try:
            show(engine.handle(inbound))
        except DatabaseUnavailable:
            write("Sorry, the database isn't answering just now. Please try again in a moment.")
