"""The terminal channel (`bizwatch chat`): try a conversation without any credentials."""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Callable
from datetime import datetime, timezone

from bot.channels import render_plain
from bot.engine import DatabaseUnavailable, Engine
from bot.messages import Inbound


def run_chat(engine: Engine, read: Callable[[str], str] = input, write: Callable[[str], None] = print,
             address: str | None = None) -> None:
    """Read lines, hand them to the engine, print the replies; Ctrl-D or 'exit' leaves."""
    address = address or getpass.getuser()
    write("bizwatch: report a crime or ask for prevention advice. In an emergency call 999.\n"
          "Type 'quit' to leave the chat (your progress is kept).")
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
            replies = engine.handle(inbound)
        except DatabaseUnavailable:
            write("Sorry, the database isn't answering just now. Please try again in a moment.")
            continue
        for reply in replies:
            write(render_plain(reply) + "\n")
