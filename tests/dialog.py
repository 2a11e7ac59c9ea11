"""Transcript helpers: a conversation as (what the user says, words the reply must contain) pairs."""

from __future__ import annotations

from typing import Any

PLACE = "Kumar's Convenience Store, 12 High Street, Walsall WS1 1QL"


def verify_dialog(chat: Any, turns: list[tuple[str, str]]) -> None:
    """Say each line and check the reply contains the expected words (case-insensitive)."""
    for number, (said, expected) in enumerate(turns, start=1):
        assert expected.strip(), f"turn {number}: every turn must say what the reply should contain"
        reply = chat.say(said)
        assert expected.lower() in reply.lower(), (
            f"turn {number}: after {said!r} expected {expected!r} in the reply, got:\n{reply}")


def you(then: str = "here's your report") -> list[tuple[str, str]]:
    """The reporter's details in one answer, how to contact them, and the statement question."""
    return [
        ("Priya Kumar, owner, 07700 900123 or priya@kumarstores.co.uk", "prefer"),
        ("text", "witness statement"),
        ("yes", then),
    ]
