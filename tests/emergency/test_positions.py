"""Every labelled message through the real engine at every position (DESIGN.md "Emergency interrupt").

Danger now and serious threats get the full 999 guidance before anything else and change nothing
(the draft rows and the question's state are as they were), and "it's over" brings the same question
back. Ordinary answers almost never get the guidance. How positions are reached, and why one
"it's over" per class and position is enough: emergency_positions.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine as Database

from bot.config import Settings
from bot.emergency import Level, assess, is_over
from bot.storage.db import make_engine
from bot.storage.models import Base
from conftest import START
from emergency_data import NEEDS_999, PARTS, load
from emergency_positions import POSITIONS, RememberingInterpreter, run

MAX_FALSE_ALARMS = 0.01
MESSAGES = [message for part in PARTS for message in load(part)]


@pytest.fixture(scope="module")
def database(migrated: str) -> Database:
    database = make_engine(migrated)
    with database.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def remembering(interpreter) -> RememberingInterpreter:
    return RememberingInterpreter(interpreter)


@pytest.fixture(scope="module")
def sweep_settings(migrated: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=migrated, nlu_cache_dir=str(tmp_path_factory.mktemp("nlu")), _env_file=None)


@pytest.mark.parametrize("position", POSITIONS, ids=[p.name for p in POSITIONS])
def test_danger_gets_999_first_and_changes_nothing_at_every_position(position, database, remembering,
                                                                     sweep_settings):
    results = run(database, remembering, sweep_settings, START, position, MESSAGES)
    danger = [r for r in results if r.message.label in NEEDS_999]
    assert [r.message.text for r in danger if not r.guidance_first] == []
    assert [r.message.text for r in danger if not r.unchanged] == []
    assert [r.message.text for r in danger if r.threat_wording != (assess(r.message.text).level is Level.THREAT)] == []
    released = [r for r in danger if r.asked_again is not None]
    assert {r.message.label for r in released} == set(NEEDS_999)
    assert all(r.asked_again for r in released), f"'it's over' did not bring back {position.again!r}"

    for part in PARTS:
        ordinary = [r for r in results if r.message.label == "ordinary" and r.message.part == part]
        false_alarms = [r.message.text for r in ordinary if r.guidance_first]
        assert len(false_alarms) <= MAX_FALSE_ALARMS * len(ordinary), (part, false_alarms)

    minor = [r for r in results if r.message.label == "threat_no_immediacy"]
    if position.name == "already holding":
        # While holding, anything but danger gets the short reminder or (when it says so) the way back,
        # and nothing is stored. An ordinary answer given the full guidance again is a false alarm, bounded above.
        others = [r for r in results if r.message.label not in NEEDS_999]
        assert [r.message.text for r in others if not r.unchanged] == []
        assert [r.message.text for r in others
                if not (r.reminder or is_over(r.message.text) or (r.message.label == "ordinary" and r.guidance_first))
                ] == []
    else:
        assert [r.message.text for r in minor if not r.line_101] == []
