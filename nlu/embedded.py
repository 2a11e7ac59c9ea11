"""The default interpreter: trains in-process from the Rasa YAML, no server, no network.

A trained model is cached per process, keyed by a SHA-256 of the training files, of the source of
the nlu package (features, training and the extractors the crime-type head reads through), and of
the classifier settings, so constructing
``EmbeddedInterpreter()`` many times (as tests and worker threads do) trains once, and a cached
model never outlives a change to the code that made it. With ``cache_dir`` the model is also
pickled there and reused across processes; a cache file that fails to load is ignored and rebuilt.
Loading a cached model imports neither scikit-learn nor the YAML loader.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from nlu.classifier import ClassifierConfig, IntentClassifier
from nlu.crime_classifier import CrimeTypeRecogniser, train_recogniser
from nlu.extractors import extract_entities
from nlu.interpreter import ParseResult
from nlu.paths import DATA_DIR, HELD_OUT_FILES, TRAINING_FILE, data_hash

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
RANKING_LENGTH = 10


@dataclass
class TrainedModel:
    """What training makes and the cache keeps: the intent classifier and the crime-type recogniser."""

    intent: IntentClassifier
    crime_types: CrimeTypeRecogniser


_MODELS: dict[str, TrainedModel] = {}


def training_files(data_dir: str | Path | None = None) -> list[Path]:
    """The files a model is trained on: ``nlu.yml`` (or every YAML file in ``data_dir`` except
    the held-out ones, ``HELD_OUT_FILES``)."""
    if data_dir is None:
        return [TRAINING_FILE]
    directory = Path(data_dir)
    if directory.is_file():
        return [directory]
    return sorted(p for p in directory.glob("*.y*ml") if p.name not in HELD_OUT_FILES)


def model_key(files: list[Path], config: ClassifierConfig) -> str:
    code = data_hash(sorted(Path(__file__).parent.rglob("*.py")))  # any change to nlu's code retrains
    settings = hashlib.sha256(repr(config).encode()).hexdigest()[:8]  # not hash(): that is salted per process
    return f"{data_hash(files)[:24]}-c{code[:12]}-{settings}"


def train(data, config: ClassifierConfig | None = None) -> TrainedModel:
    """The models trained on ``data`` (``nlu.loader.TrainingData``)."""
    texts = [e.text for e in data.examples]
    intents = [e.intent for e in data.examples]
    return TrainedModel(IntentClassifier(config or ClassifierConfig()).fit(texts, intents, data.regexes),
                        train_recogniser(data))


class EmbeddedInterpreter:
    """Implements ``nlu.interpreter.Interpreter``; safe to share between threads."""

    def __init__(self, data_dir: str | Path | None = None, cache_dir: str | Path | None = None,
                 config: ClassifierConfig | None = None, tz: str = "Europe/London"):
        self.files = training_files(data_dir)
        self.config = config or ClassifierConfig()
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.tz = tz
        self.key = model_key(self.files, self.config)
        self.model = self._load_or_train()
        self.classifier = self.model.intent

    def _load_or_train(self) -> TrainedModel:
        with _LOCK:
            model = _MODELS.get(self.key)
            if model is None:
                model = self._from_disk() or self._train_and_store()
                _MODELS[self.key] = model
            return model

    def _cache_file(self) -> Path | None:
        return self.cache_dir / f"intent-model-{self.key}.pkl" if self.cache_dir else None

    def _from_disk(self) -> TrainedModel | None:
        path = self._cache_file()
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as handle:
                model = pickle.load(handle)  # our own file, written below; never user input
            if isinstance(model, TrainedModel):
                return model
        except Exception as exc:  # a truncated or incompatible cache is rebuilt, not fatal
            log.warning("ignoring unreadable NLU model cache %s: %s", path, exc)
        return None

    def _train_and_store(self) -> TrainedModel:
        from nlu.loader import load_data

        model = train(load_data(self.files), self.config)
        path = self._cache_file()
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".intent-model-", suffix=".tmp")
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, path)  # atomic: concurrent processes never read half a file
            except OSError as exc:
                log.warning("could not write NLU model cache %s: %s", path, exc)
        return model

    def parse(self, text: str, now: datetime | None = None) -> ParseResult:
        """Intent, ranking and entities for ``text`` in Rasa's ``/model/parse`` shape."""
        text = text if isinstance(text, str) else str(text)
        now = now or datetime.now(timezone.utc)
        if not text.strip():
            return {"text": text, "intent": {"name": "out_of_scope", "confidence": 1.0}, "entities": [],
                    "intent_ranking": [{"name": "out_of_scope", "confidence": 1.0}]}
        name, confidence, ranking = self.classifier.predict(text)
        entities = [span.to_rasa() for span in extract_entities(text, now, self.tz, self.model.crime_types.find)]
        return {
            "text": text,
            "intent": {"name": name, "confidence": round(confidence, 4)},
            "entities": entities,
            "intent_ranking": [{"name": n, "confidence": round(p, 4)} for n, p in ranking[:RANKING_LENGTH]],
        }


def clear_memory_cache() -> None:
    """Forget models trained in this process (tests use it to measure training)."""
    with _LOCK:
        _MODELS.clear()


__all__ = ["DATA_DIR", "EmbeddedInterpreter", "TrainedModel", "clear_memory_cache", "train", "training_files"]
