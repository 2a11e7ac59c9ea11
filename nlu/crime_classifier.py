"""Crime types said in other words: a classifier head for crime type, next to the gazetteer.

The gazetteer (``nlu.extractors.crime_types``) knows the phrases of the training data as written.
People also say "breaking into the warehouse", "fare dodger ran off" or "demanding the till
money". The classifier reads the whole message: stems of words and word pairs (``nlu.wordforms``,
so "robbing" is "robbed") and character 3-5 grams of each word (so "burgaled" is close to
"burgled"), by logistic regression over the eight codes and ``none``.

It learns from the same Rasa YAML: every training example is a labelled example (the codes of its
``crime_type`` annotations, or ``none`` when it has none), and so is every variant of a crime-type
synonym table. It reads messages, in training and in use, without the dates and times found in
them: "this morning" says nothing about the crime, but "morning" alone is a greeting.

How the two are combined (``CrimeTypeRecogniser.find``):

* The gazetteer found nothing: the classifier's crime type is used when its probability is at
  least ``fallback`` (and ``none`` never gives an entity).
* The gazetteer found something: it stands, unless the classifier gives another crime type a
  probability of at least ``override`` (then that type's spans, or the classifier's own, replace
  the others). A single word can mislead: "threatened me and took the takings" names a threat, but
  the message is a robbery.

Both thresholds are chosen by cross-validation on the training data alone (the highest within one
standard error of the best accuracy): in each fold the gazetteer is rebuilt from the training
folds' phrases too, so it cannot know the held-out phrases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import product

import numpy as np

from nlu import linear
from nlu.extractors.combined import blank, find_other_entities
from nlu.extractors.crime_types import Gazetteer, crime_type_codes, gazetteer_phrases
from nlu.extractors.span import Span
from nlu.extractors.text import clean
from nlu.features import char_ngrams
from nlu.wordforms import stem, tokens

NONE = "none"
EXTRACTOR = "BizwatchCrimeTypeClassifier"
C = 10.0
CHAR_NGRAMS = (3, 5)
FOLDS = 5
_TRAINING_NOW = datetime(2024, 11, 27, 16, 0, tzinfo=timezone.utc)  # any moment will do: dates are only blanked
_GRID = [round(float(x), 2) for x in np.arange(0.1, 0.96, 0.05)]


def _words(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, word, stem) for each word (of the first ``MAX_TEXT_CHARS`` characters: ``clean``)."""
    words = []
    for match in tokens(clean(text)):
        word = match.group(0).lower().replace("'", "")
        words.append((match.start(), match.end(), word, stem(word)))
    return words


# Words that name no crime on their own: a message of only these (and dates and numbers) is not
# classified at all ("at 3" is a time, though "spat at" and "swore at" are violence).
_FUNCTION_WORDS = frozenset(
    "a an the at to of in on off up out over down into onto from with without by for and or but so as then "
    "i me my we us our you your he him his she her they them their it its this that these those "
    "is are was were be been am has have had do did just".split())


class CrimeFeatures:
    """The classifier's features: each word's stem and character n-grams, and the stems of each
    pair of neighbouring words; grouped by word (a pair counts for both) to find the cue."""

    def per_word(self, text: str) -> list[list[str]]:
        words = _words(text)
        grams = [[f"w {s}", *(f"c {g}" for g in char_ngrams(w, CHAR_NGRAMS))] for _, _, w, s in words]
        for i in range(len(words) - 1):
            pair = f"p {words[i][3]} {words[i + 1][3]}"
            grams[i].append(pair)
            grams[i + 1].append(pair)
        return grams

    def __call__(self, text: str) -> list[str]:
        words = _words(text)
        grams = [f"w {s}" for _, _, _, s in words]
        grams += [f"p {a[3]} {b[3]}" for a, b in zip(words, words[1:])]
        for _, _, w, _ in words:
            grams += [f"c {g}" for g in char_ngrams(w, CHAR_NGRAMS)]
        return grams

    def has_content(self, text: str) -> bool:
        """Whether the text has a word of its own to go on (not only dates, numbers, "at", "the")."""
        return any(w not in _FUNCTION_WORDS and w.isalpha() for _, _, w, _ in _words(text))


@dataclass(frozen=True)
class Labelled:
    """One training text, its codes (``(NONE,)`` for none), the gazetteer phrases it gives, and the
    text as the classifier reads it (dates blanked)."""

    text: str
    codes: tuple[str, ...]
    phrases: tuple[tuple[str, str], ...]
    plain: str


def labelled_examples(data) -> list[Labelled]:
    """From ``data`` (``nlu.loader.TrainingData``): each example with the codes it is annotated
    with, then each synonym variant with its table's code."""
    codes = crime_type_codes(data)
    items = []
    for example in data.examples:
        found = [(a.text, a.value) for a in example.entities if a.entity == "crime_type" and a.value in codes]
        items.append(Labelled(example.text, tuple(dict.fromkeys(c for _, c in found)) or (NONE,), tuple(found),
                              _training_text(example.text)))
    items += [Labelled(variant, (code,), ((variant, code),), _training_text(variant))
              for code in codes for variant in data.synonyms[code]]
    return items


def _without_times(text: str, others: list[Span]) -> str:
    """``text`` with its date and time mentions blanked (same length, so word offsets still hold)."""
    return blank(text, [span for span in others if span.entity == "datetime"])


def _training_text(text: str) -> str:
    return _without_times(text, find_other_entities(text, _TRAINING_NOW))


def _fit(items: list[Labelled]) -> linear.LinearTextModel:
    texts = [item.plain for item in items for _ in item.codes]  # an example of two crimes teaches both
    labels = [code for item in items for code in item.codes]
    return linear.fit(texts, labels, [linear.Block("crime", CrimeFeatures())], C, class_weight="balanced")


@dataclass
class CrimeTypeRecogniser:
    """The gazetteer and the classifier head together, with the thresholds that combine them."""

    gazetteer: Gazetteer
    model: linear.LinearTextModel | None  # None when the training data names no crime type
    fallback: float = 1.01
    override: float = 1.01
    cross_validation: dict | None = None  # how the thresholds were chosen (``choose_thresholds``)

    def classify(self, text: str) -> tuple[str, float]:
        """The classifier's best label (a code or ``none``) and its probability for ``text`` (with
        its dates and times blanked)."""
        if self.model is None or not CrimeFeatures().has_content(text):
            return NONE, 1.0
        p = self.model.probabilities(text)
        best = int(np.argmax(p))
        return self.model.classes[best], float(p[best])

    def find(self, text: str, others: list[Span] = ()) -> list[Span]:
        """The crime types of ``text``, as ``crime_type`` spans in text order; ``others`` are the
        entities of other kinds found in it (``nlu.extractors.combined.CrimeTypeFinder``)."""
        spans = self.gazetteer.find(text)
        plain = _without_times(text, list(others))
        label, p = self.classify(plain)
        if _decide(_gazetteer_codes(spans), label, p, self.fallback, self.override) == (spans[0].value if spans else None):
            return spans
        same = [s for s in spans if s.value == label]
        if same:
            return same
        cue = self._cue(plain, label)
        if cue is None:
            return spans
        start, end = cue
        return [Span("crime_type", label, start, end, text[start:end], EXTRACTOR, confidence=round(p, 4))]

    def _cue(self, text: str, label: str) -> tuple[int, int] | None:
        """The word that speaks most for ``label`` (with its neighbour when their pair does), or None."""
        words = _words(text)
        weights = self.model.contributions(text, label)
        per_word = CrimeFeatures().per_word(text)
        scores = [sum(weights.get(g, 0.0) / (2 if g.startswith("p ") else 1) for g in grams) for grams in per_word]
        if not scores or max(scores) <= 0:
            return None
        best = int(np.argmax(scores))
        start, end = words[best][0], words[best][1]
        for other in (best - 1, best + 1):
            if 0 <= other < len(words):
                first, second = sorted((best, other))
                if weights.get(f"p {words[first][3]} {words[second][3]}", 0.0) > 0:
                    start, end = min(start, words[other][0]), max(end, words[other][1])
        return start, end


def _decide(found: list[tuple[str, bool]], label: str, p: float, fallback: float, override: float) -> str | None:
    """The message's crime type (the first of its spans) from the gazetteer's (code, one word) in
    text order and the classifier's best label and probability. Only one-word cues can be
    overridden: a phrase of several words ("stolen card") says what it means."""
    if not found:
        return label if label != NONE and p >= fallback else None
    first = found[0][0]
    if label != NONE and label != first and p >= override and all(one for code, one in found if code == first):
        return label
    return first


def _gazetteer_codes(spans: list[Span]) -> list[tuple[str, bool]]:
    return [(s.value, len(s.text.split()) == 1) for s in spans]


def train_recogniser(data, folds: int = FOLDS) -> CrimeTypeRecogniser:
    """The recogniser for ``data``, thresholds chosen by ``folds``-fold cross-validation on it."""
    gazetteer = Gazetteer(gazetteer_phrases(data))
    items = labelled_examples(data)
    if not crime_type_codes(data):
        return CrimeTypeRecogniser(gazetteer, None)
    chosen = choose_thresholds(items, folds)
    return CrimeTypeRecogniser(gazetteer, _fit(items), *chosen["thresholds"], cross_validation=chosen)


def choose_thresholds(items: list[Labelled], folds: int = FOLDS) -> dict:
    """Cross-validated (fallback, override) and the accuracy they give on the training items: in each
    fold both the classifier and the gazetteer learn from the other folds only. The fallback is the
    highest within one standard error of the best accuracy (the optimum is flat, and a lower
    fallback bought with a hair of accuracy names crimes in messages that name none, "we open at
    8"); the override is then the best for that fallback."""
    order = np.random.default_rng(0).permutation(len(items))
    outcomes = []  # (gold codes, gazetteer codes, classifier label, probability) per item
    for fold in range(folds):
        held = set(order[fold::folds].tolist())
        training = [items[i] for i in range(len(items)) if i not in held]
        recogniser = CrimeTypeRecogniser(Gazetteer(p for item in training for p in item.phrases), _fit(training))
        for i in sorted(held):
            label, p = recogniser.classify(items[i].plain)
            found = _gazetteer_codes(recogniser.gazetteer.find(items[i].text))
            outcomes.append((items[i].codes, found, label, p))

    def accuracy(fallback: float, override: float) -> float:
        right = sum((_decide(found, label, p, fallback, override) or NONE) in gold
                    for gold, found, label, p in outcomes)
        return right / len(outcomes)

    scores = {(f, o): accuracy(f, o) for f, o in product(_GRID, [*_GRID, 1.01])}
    best = max(scores.values())
    error = float(np.sqrt(best * (1 - best) / len(outcomes)))
    fallback = max(f for (f, _), a in scores.items() if a >= best - error)
    chosen = max((t for t in scores if t[0] == fallback), key=lambda t: (scores[t], t))
    return {"thresholds": chosen, "accuracy": round(scores[chosen], 4), "best_accuracy": round(best, 4),
            "items": len(outcomes), "folds": folds}
