"""Intent classifier: TF-IDF word and character n-grams plus regex features, logistic regression
(``nlu.linear``: trained with scikit-learn, scored without it).

Chosen by 5-fold cross-validation on ``nlu/data/nlu.yml`` (see ``bizwatch nlu train``): word 1-2
grams catch phrases ("did a runner"), character 2-5 grams inside word boundaries survive typos
and SMS spelling ("shoplfting", "unsuscribe"), and the ``regex:`` sections of the training data
become binary features the way Rasa's RegexFeaturizer uses them. Logistic regression gives
probabilities, which the two decision rules below need; a linear SVM scored the same but has none.

Decision rules on top of the probabilities:

* **Emergency first.** If P(emergency) >= ``emergency_threshold`` the intent is ``emergency``
  even when another intent scores higher: a missed emergency is the worst error the service can
  make, a false alarm costs one "call 999 if you are in danger" message.
* **Out of scope.** Otherwise, if the best probability is below ``oos_threshold`` the intent is
  ``out_of_scope``, so gibberish is not forced into an intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from nlu import linear
from nlu.extractors.text import MAX_TEXT_CHARS
from nlu.features import CharNgrams, RegexFlags, WordNgrams

OUT_OF_SCOPE = "out_of_scope"
EMERGENCY = "emergency"
WORD_TOKENS = r"(?u)\b\w+\b|[?!]|[\U0001F300-\U0001FAFF]"

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200d\ufeff]")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")
_REFERENCE = re.compile(r"\bbw[\s-]?[2-9a-hj-np-z]{4}[\s-]?[2-9a-hj-np-z]{4}\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """What the classifier sees: the first ``MAX_TEXT_CHARS`` characters, lower case, straight
    quotes, no control characters, and links, emails and references replaced by placeholder words
    (their characters say nothing about intent)."""
    text = _CONTROL.sub(" ", text[:MAX_TEXT_CHARS].translate(_QUOTES)).lower()
    text = _URL.sub(" linkurl ", text)
    text = _EMAIL.sub(" emailaddress ", text)
    text = _REFERENCE.sub(" reportref ", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True)
class ClassifierConfig:
    c: float = 10.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    regex_weight: float = 0.5
    emergency_threshold: float = 0.1
    oos_threshold: float = 0.15


@dataclass
class IntentClassifier:
    config: ClassifierConfig = field(default_factory=ClassifierConfig)
    model: linear.LinearTextModel | None = None
    intents: list[str] = field(default_factory=list)

    def fit(self, texts: list[str], intents: list[str], regexes: dict[str, list[str]] | None = None) -> "IntentClassifier":
        cfg = self.config
        blocks = [
            linear.Block("words", WordNgrams(WORD_TOKENS, cfg.word_ngrams)),
            linear.Block("chars", CharNgrams(cfg.char_ngrams)),
            linear.Block("regex", RegexFlags(regexes or {}), kind="flags", weight=cfg.regex_weight),
        ]
        self.model = linear.fit([normalise_text(t) for t in texts], intents, blocks, cfg.c)
        self.intents = self.model.classes
        return self

    @property
    def pipeline(self):
        """The scikit-learn pipeline this model was trained as (None once loaded from a cache)."""
        return self.model.pipeline if self.model else None

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """P(intent) per text, columns in ``self.intents`` order."""
        if self.model is None:
            raise RuntimeError("the classifier has not been trained")
        return np.vstack([self.model.probabilities(normalise_text(t)) for t in texts])

    def decide(self, probabilities: np.ndarray) -> tuple[str, float, list[tuple[str, float]]]:
        """(intent, confidence, ranking) for one row of probabilities, applying the decision rules."""
        order = np.argsort(-probabilities, kind="stable")
        ranking = [(self.intents[i], float(probabilities[i])) for i in order]
        top_name, top_p = ranking[0]
        if EMERGENCY in self.intents:
            p_emergency = float(probabilities[self.intents.index(EMERGENCY)])
            if p_emergency >= self.config.emergency_threshold:
                ranking = [(EMERGENCY, p_emergency)] + [r for r in ranking if r[0] != EMERGENCY]
                return EMERGENCY, p_emergency, ranking
        if top_p < self.config.oos_threshold and top_name != OUT_OF_SCOPE:
            # Like Rasa's FallbackClassifier: the fallback goes first in the ranking.
            confidence = 1.0 - top_p
            ranking = [(OUT_OF_SCOPE, confidence)] + [r for r in ranking if r[0] != OUT_OF_SCOPE]
            return OUT_OF_SCOPE, confidence, ranking
        return top_name, top_p, ranking

    def predict(self, text: str) -> tuple[str, float, list[tuple[str, float]]]:
        return self.decide(self.probabilities([text])[0])

    def predict_many(self, texts: list[str]) -> list[str]:
        return [self.decide(row)[0] for row in self.probabilities(texts)]
