"""Transcript helpers: a conversation as (what the user says, words the reply must contain) pairs."""

from __future__ import annotations

from typing import Any


def verify_dialog(chat: Any, turns: list[tuple[str, str]]) -> None:
    """Say each line and check the reply contains the expected words (case-insensitive)."""
    for number, (said, expected) in enumerate(turns, start=1):
        reply = chat.say(said)
        assert expected.lower() in reply.lower(), (
            f"turn {number}: after {said!r} expected {expected!r} in the reply, got:\n{reply}")


WHERE = [
    ("Kumar's Convenience Store", "address"),
    ("12 High Street, Walsall WS1 1QL", ""),
]
YOU = [
    ("Priya Kumar", "role"),
    ("owner", "phone number or email"),
    ("07700 900123 or priya@kumarstores.co.uk", "prefer"),
    ("text", "witness statement"),
    ("yes", "court"),
    ("yes", "here's your report"),
]
