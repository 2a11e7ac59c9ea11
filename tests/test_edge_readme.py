"""The README's configuration table is a copy of the settings: every setting has its row, and no row
names a setting that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_has_a_row_in_the_readme_and_every_row_a_setting():
    rows = set(re.findall(r"^\| `BIZWATCH_([A-Z0-9_]+)` \|", README.read_text(), flags=re.MULTILINE))
    settings = {name.upper() for name in Settings.model_fields}
    assert settings - rows == set(), "settings missing from the README's configuration table"
    assert rows - settings == set(), "README rows for settings that do not exist"
