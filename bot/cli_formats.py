"""The output formats every command line group offers, defined once so `--format` reads the same everywhere."""

from __future__ import annotations

from enum import Enum


class Shown(str, Enum):
    """How list and show print: words for people, JSON for other tools."""

    text = "text"
    json = "json"


class Exported(str, Enum):
    """What an export writes: JSON, or CSV for a spreadsheet."""

    json = "json"
    csv = "csv"
