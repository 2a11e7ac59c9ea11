"""Write a complete Rasa 3.6 project that trains the same NLU model on the same data.

``bizwatch nlu export-rasa DIR`` gives a force that runs Rasa everything it needs: ``config.yml``
(a standard DIET pipeline plus regex and synonym components, and a fallback threshold that
stands in for our out-of-scope rule), ``domain.yml`` (the intents and entities that are the
contract with the dialogue engine) and ``data/nlu.yml`` (our training file, byte for byte).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from nlu.classifier import ClassifierConfig
from nlu.loader import TRAINING_FILE, load_data

CONTRACT_ENTITIES = ["crime_type", "money", "datetime", "postcode", "phone_number", "email", "url",
                     "vehicle_registration", "reference"]


def rasa_config(config: ClassifierConfig | None = None) -> dict:
    config = config or ClassifierConfig()
    return {
        "recipe": "default.v1",
        "assistant_id": "bizwatch",
        "language": "en",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "RegexFeaturizer", "case_sensitive": False},
            {"name": "LexicalSyntacticFeaturizer"},
            {"name": "CountVectorsFeaturizer", "ngram_range": list(config.word_ngrams)},
            {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": config.char_ngrams[0],
             "max_ngram": config.char_ngrams[1]},
            {"name": "DIETClassifier", "epochs": 100, "constrain_similarities": True},
            {"name": "RegexEntityExtractor", "case_sensitive": False, "use_lookup_tables": True,
             "use_regexes": True, "use_word_boundaries": True},
            {"name": "EntitySynonymMapper"},
            {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
        ],
        "policies": [{"name": "RulePolicy"}],
    }


def domain(intents: list[str], entities: list[str]) -> dict:
    return {"version": "3.1", "intents": intents, "entities": entities,
            "session_config": {"session_expiration_time": 60, "carry_over_slots_to_new_session": True}}


def export_rasa_project(target: str | Path, training_file: str | Path = TRAINING_FILE) -> list[Path]:
    """Write config.yml, domain.yml and data/nlu.yml under ``target``; returns the paths written."""
    target = Path(target)
    (target / "data").mkdir(parents=True, exist_ok=True)
    data = load_data([training_file])
    entities = CONTRACT_ENTITIES + [e for e in data.entity_types if e not in CONTRACT_ENTITIES]
    written = []
    for name, content, header in (
        ("config.yml", rasa_config(), "# Rasa 3.6 NLU pipeline exported by `bizwatch nlu export-rasa`.\n"),
        ("domain.yml", domain(data.intents, entities), "# Intents and entities are the contract with bizwatch's engine.\n"),
    ):
        path = target / name
        path.write_text(header + yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
        written.append(path)
    nlu_path = target / "data" / "nlu.yml"
    shutil.copyfile(training_file, nlu_path)
    written.append(nlu_path)
    return written
