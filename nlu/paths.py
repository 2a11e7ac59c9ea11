"""Where the NLU data lives, which files are held out, and the hash that keys cached models.

Kept apart from the YAML loader so that loading a cached model does not import it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

DATA_DIR = Path(__file__).parent / "data"
TRAINING_FILE = DATA_DIR / "nlu.yml"
TEST_FILE = DATA_DIR / "test.yml"
CRIME_TYPES_HOLDOUT_FILE = DATA_DIR / "crime_types_holdout.yml"
# Where ``bizwatch nlu parse`` and ``train`` keep the trained model unless told otherwise (relative to
# the working directory, like the service's own default).
DEFAULT_CACHE_DIR = "var/nlu-cache"
# Evaluation data: never read when training, whatever directory training is pointed at.
HELD_OUT_FILES = frozenset({"test.yml", "test.yaml", CRIME_TYPES_HOLDOUT_FILE.name})


def data_hash(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the names and bytes of the given files (their order matters), for model caching."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).name.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()
