"""The labelled emergency messages (development and held-out parts) and how the detector scores on them.

Used by the tests in this folder and by benchmarks/danger_benchmark.py, so both count the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
# held_out_2 was written before the detector was changed for the audit of issue 7 (missed danger
# now, missed later threats, false alarms on offender descriptions): a second check never tuned on.
PARTS = {"dev": HERE / "messages.yml", "held_out": HERE / "held_out.yml", "held_out_2": HERE / "held_out_2.yml"}
HELD_OUT = tuple(part for part in PARTS if part != "dev")
CLASSES = ("danger_now", "threat_serious_later", "threat_no_immediacy", "ordinary")
NEEDS_999 = ("danger_now", "threat_serious_later")


@dataclass(frozen=True)
class Message:
    text: str
    label: str       # one of CLASSES
    part: str        # a key of PARTS
    question: str    # for ordinary messages: the question it answers; else ""


def read(part: str) -> list[Message]:
    data = yaml.safe_load(PARTS[part].read_text(encoding="utf-8"))
    assert data["held_out"] is (part in HELD_OUT), f"{PARTS[part].name} is marked for the wrong part"
    messages = []
    for label in CLASSES:
        entries = data.get(label) or []
        groups = entries.items() if isinstance(entries, dict) else [("", entries)]
        for question, texts in groups:
            messages.extend(Message(str(text), label, part, question) for text in texts)
    return messages


def load(part: str) -> list[Message]:
    """One part, each text once; the development part leaves out anything a held-out part has."""
    exclude = {m.text for held in HELD_OUT for m in read(held)} if part == "dev" else set()
    seen: set[str] = set()
    unique = []
    for message in read(part):
        if message.text not in seen and message.text not in exclude:
            seen.add(message.text)
            unique.append(message)
    return unique


@dataclass(frozen=True)
class Score:
    """For one class: how many messages, and how many got each outcome."""

    label: str
    total: int
    got_999: int
    got_101: int

    @property
    def rate_999(self) -> float:
        return self.got_999 / self.total if self.total else 0.0

    @property
    def rate_101(self) -> float:
        return self.got_101 / self.total if self.total else 0.0


def score(messages: Iterable[Message], outcome: Callable[[Message], str | None]) -> dict[str, Score]:
    """``outcome`` gives "999", "101" or None for a message; counted per class."""
    counts: dict[str, list[int]] = {label: [0, 0, 0] for label in CLASSES}
    for message in messages:
        result = outcome(message)
        row = counts[message.label]
        row[0] += 1
        row[1] += result == "999"
        row[2] += result == "101"
    return {label: Score(label, *row) for label, row in counts.items()}
