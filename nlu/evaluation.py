"""Evaluate an interpreter on held-out data, the way ``rasa test nlu`` does, plus the figures
bizwatch cares about (emergency recall, crime-type F1, money/datetime exact values, and the
crime-type accuracy on the held-out crime-type file).

Entity matching: a predicted entity counts as correct when it has the same type as a gold
annotation, their spans overlap, and their values are equal after normalisation (money within a
penny, datetimes as instants, text case-insensitively). Exact-value accuracy for money and
datetime is the share of gold annotations with such a match.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from nlu.interpreter import Interpreter
from nlu.loader import EntityAnnotation, TrainingData

# test.yml's datetime values are resolved against this moment (stated in the file's header).
EVAL_NOW = datetime(2024, 11, 27, 16, 0, tzinfo=ZoneInfo("Europe/London"))
VALUE_ENTITIES = ("money", "datetime")


def _values_equal(entity: str, gold: Any, predicted: Any) -> bool:
    try:
        if entity == "money":
            return abs(float(gold) - float(predicted)) < 0.005
        if entity == "datetime":
            return datetime.fromisoformat(str(gold)) == datetime.fromisoformat(str(predicted))
    except (TypeError, ValueError):
        return False
    return str(gold).strip().lower() == str(predicted).strip().lower()


def _prf(tp: int, predicted: int, gold: int) -> dict[str, float]:
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def intent_report(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    labels = sorted(set(gold) | set(predicted))
    per_intent = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        per_intent[label] = {**_prf(tp, predicted.count(label), gold.count(label)), "support": gold.count(label)}
    confusion: dict[str, dict[str, int]] = {g: {} for g in labels}
    for (g, p), n in sorted(Counter(zip(gold, predicted)).items()):
        confusion[g][p] = n
    gold_labels = sorted(set(gold))
    return {
        "accuracy": round(float(np.mean([g == p for g, p in zip(gold, predicted)])) if gold else 0.0, 4),
        "macro_f1": round(float(np.mean([per_intent[label]["f1"] for label in gold_labels])) if gold else 0.0, 4),
        "per_intent": per_intent,
        "confusion": confusion,
    }


@dataclass
class _EntityTally:
    tp: int = 0
    predicted: int = 0
    gold: int = 0
    value_hits: int = 0


def _match_entities(gold: tuple[EntityAnnotation, ...], predicted: list[dict], tallies: dict[str, _EntityTally],
                    errors: list[dict], text: str) -> None:
    used: set[int] = set()
    for annotation in gold:
        tally = tallies[annotation.entity]
        tally.gold += 1
        hit = None
        for i, entity in enumerate(predicted):
            if (i not in used and entity.get("entity") == annotation.entity
                    and entity.get("start", 0) < annotation.end and annotation.start < entity.get("end", 0)
                    and _values_equal(annotation.entity, annotation.value, entity.get("value"))):
                hit = i
                break
        if hit is None:
            found = [e for e in predicted if e.get("entity") == annotation.entity]
            errors.append({"text": text, "entity": annotation.entity, "gold": annotation.value,
                           "gold_text": annotation.text, "predicted": [e.get("value") for e in found]})
        else:
            used.add(hit)
            tally.tp += 1
            tally.value_hits += 1
    for i, entity in enumerate(predicted):
        tallies[entity.get("entity", "?")].predicted += 1
        if i not in used and not any(a.entity == entity.get("entity") for a in gold):
            errors.append({"text": text, "entity": entity.get("entity"), "gold": None,
                           "predicted": [entity.get("value")], "predicted_text": text[entity.get("start", 0):entity.get("end", 0)]})


def crime_type_report(interpreter: Interpreter, items: list[tuple[str, str, str]], now: datetime = EVAL_NOW) -> dict[str, Any]:
    """Accuracy of the message's crime type on (text, code or "none", source) items: the first
    ``crime_type`` entity of the parse (the one a report takes), or "none" when there is none."""
    errors, per_type = [], defaultdict(lambda: {"support": 0, "correct": 0})
    for text, gold, source in items:
        found = [e for e in interpreter.parse(text, now=now).get("entities") or [] if e.get("entity") == "crime_type"]
        predicted = str(found[0]["value"]) if found else "none"
        per_type[gold]["support"] += 1
        per_type[gold]["correct"] += predicted == gold
        if predicted != gold:
            errors.append({"text": text, "gold": gold, "predicted": predicted, "source": source})
    return {
        "examples": len(items),
        "accuracy": round(1 - len(errors) / len(items), 4) if items else None,
        "false_crime_types": sum(e["gold"] == "none" for e in errors),
        "missed": sum(e["predicted"] == "none" for e in errors),
        "per_type": dict(sorted(per_type.items())),
        "errors": errors,
    }


def evaluate(interpreter: Interpreter, data: TrainingData, now: datetime = EVAL_NOW,
             crime_type_items: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """A ``rasa test nlu``-like report of ``interpreter`` on ``data`` (held-out examples), and on the
    held-out crime-type items when given (``nlu.loader.load_crime_type_holdout``)."""
    gold_intents, predicted_intents, intent_errors, entity_errors = [], [], [], []
    tallies: dict[str, _EntityTally] = defaultdict(_EntityTally)
    timings = []
    if data.examples:  # warm up (first-use caches) so latency figures are steady-state
        interpreter.parse("21st of November at 3pm", now=now)
    for example in data.examples:
        started = time.perf_counter()
        result = interpreter.parse(example.text, now=now)
        timings.append(time.perf_counter() - started)
        predicted = result["intent"]["name"]
        gold_intents.append(example.intent)
        predicted_intents.append(predicted)
        if predicted != example.intent:
            intent_errors.append({"text": example.text, "intent": example.intent, "predicted": predicted,
                                  "confidence": result["intent"].get("confidence"), "source": example.source})
        _match_entities(example.entities, list(result.get("entities") or []), tallies, entity_errors, example.text)
    entities = {}
    for name in sorted(tallies):
        t = tallies[name]
        entities[name] = {**_prf(t.tp, t.predicted, t.gold), "support": t.gold, "predicted": t.predicted}
        if name in VALUE_ENTITIES:
            entities[name]["value_accuracy"] = round(t.value_hits / t.gold, 4) if t.gold else None
    report = {
        "examples": len(data.examples),
        "now": now.isoformat(),
        "intent": {**intent_report(gold_intents, predicted_intents), "errors": intent_errors},
        "entities": entities,
        "entity_errors": entity_errors,
        "latency_ms": {"p50": round(float(np.percentile(timings, 50)) * 1000, 3) if timings else None,
                       "p99": round(float(np.percentile(timings, 99)) * 1000, 3) if timings else None},
    }
    if crime_type_items is not None:
        report["crime_types"] = crime_type_report(interpreter, crime_type_items, now)
    report["summary"] = summary(report)
    return report


def summary(report: dict[str, Any]) -> dict[str, float | None]:
    """The headline figures the CI thresholds apply to."""
    entities = report["entities"]
    per_intent = report["intent"]["per_intent"]
    return {
        "intent_accuracy": report["intent"]["accuracy"],
        "intent_macro_f1": report["intent"]["macro_f1"],
        "emergency_recall": per_intent.get("emergency", {}).get("recall"),
        "crime_type_f1": entities.get("crime_type", {}).get("f1"),
        "crime_type_accuracy": report.get("crime_types", {}).get("accuracy"),
        "money_value_accuracy": entities.get("money", {}).get("value_accuracy"),
        "datetime_value_accuracy": entities.get("datetime", {}).get("value_accuracy"),
    }


def cross_validate(data: TrainingData, folds: int = 5, config=None, seed: int = 0) -> dict[str, Any]:
    """Stratified k-fold figures for the intent classifier on the training data."""
    from sklearn.model_selection import StratifiedKFold

    from nlu.classifier import IntentClassifier

    texts = np.array([e.text for e in data.examples], dtype=object)
    intents = np.array([e.intent for e in data.examples], dtype=object)
    predicted = np.empty(len(texts), dtype=object)
    fit_seconds = []
    for train_index, test_index in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, intents):
        started = time.perf_counter()
        classifier = IntentClassifier(config) if config else IntentClassifier()
        classifier.fit(list(texts[train_index]), list(intents[train_index]), data.regexes)
        fit_seconds.append(time.perf_counter() - started)
        predicted[test_index] = classifier.predict_many(list(texts[test_index]))
    report = intent_report(list(intents), list(predicted))
    return {
        "folds": folds,
        "examples": len(texts),
        "accuracy": report["accuracy"],
        "macro_f1": report["macro_f1"],
        "emergency_recall": report["per_intent"].get("emergency", {}).get("recall"),
        "per_intent": report["per_intent"],
        "mean_fit_seconds": round(float(np.mean(fit_seconds)), 3),
    }
