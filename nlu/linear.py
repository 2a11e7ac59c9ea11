"""A linear text classifier over feature blocks: TF-IDF blocks (sublinear term frequency, each
block L2-normalised, as scikit-learn's ``TfidfVectorizer`` in a ``FeatureUnion``) and binary flag
blocks, scored by multinomial logistic regression.

Training uses scikit-learn (imported only then). What is kept afterwards is plain data: each
block's analyzer (our own objects from ``nlu.features``), vocabulary and idf weights, and the
coefficients. Scoring one message from that data takes about 0.3 ms and needs only numpy, so a
process that loads a cached model never imports scikit-learn (over a second of start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

Analyzer = Callable[[str], list[str]]


@dataclass(frozen=True)
class Block:
    """One kind of feature: ``tfidf`` (n-grams; the block is L2-normalised) or ``flags`` (present
    or not, valued ``weight``)."""

    name: str
    analyzer: Analyzer
    kind: str = "tfidf"
    weight: float = 1.0


@dataclass
class _FittedBlock:
    analyzer: Analyzer
    kind: str
    weight: float
    vocabulary: dict[str, int]
    idf: np.ndarray | None
    offset: int


class LinearTextModel:
    """Class probabilities for a text; ``classes`` in the column order of ``probabilities``."""

    def __init__(self, blocks: list[_FittedBlock], coef_t: np.ndarray, intercept: np.ndarray, classes: list[str]):
        self.blocks = blocks
        self.coef_t = coef_t  # features x classes
        self.intercept = intercept
        self.classes = classes
        self.pipeline = None  # the scikit-learn pipeline right after training (not pickled), for checks

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "pipeline"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, pipeline=None)

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(column indices, values) of the text's feature vector (absent features left out)."""
        all_indices, all_values = [], []
        for block in self.blocks:
            grams = block.analyzer(text)
            counts: dict[int, int] = {}
            for gram in grams:
                index = block.vocabulary.get(gram)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            if block.kind == "tfidf":
                values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * block.idf[indices]
                values /= np.sqrt(values @ values)
            else:
                values = np.full(len(counts), block.weight)
            all_indices.append(indices + block.offset)
            all_values.append(values)
        if not all_indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate(all_indices), np.concatenate(all_values)

    def contributions(self, text: str, label: str) -> dict[str, float]:
        """How much each of the text's features moves the score of ``label`` away from the average
        class (what the feature says for this class in particular)."""
        column = self.classes.index(label)
        centred = self.coef_t[:, column] - self.coef_t.mean(axis=1)
        indices, values = self.features(text)
        names = {}
        for block in self.blocks:
            for gram in set(block.analyzer(text)):
                index = block.vocabulary.get(gram)
                if index is not None:
                    names[index + block.offset] = gram
        return {names[i]: float(v * centred[i]) for i, v in zip(indices.tolist(), values)}

    def probabilities(self, text: str) -> np.ndarray:
        indices, values = self.features(text)
        scores = self.intercept + values @ self.coef_t[indices]
        if len(self.classes) == 2:  # scikit-learn's binary model has one column: the second class
            p = 1.0 / (1.0 + np.exp(-scores[0]))
            return np.array([1.0 - p, p])
        scores = scores - scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()


def fit(texts: Sequence[str], labels: Sequence[str], blocks: list[Block], c: float,
        class_weight: str | None = None) -> LinearTextModel:
    """Train on (text, label) pairs; the texts are given to the analyzers as they are."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    def flags(analyzer: Analyzer, names: list[str], weight: float):
        index = {name: i for i, name in enumerate(names)}

        def transform(batch):
            from scipy import sparse

            rows = np.zeros((len(batch), len(names)))
            for row, text in enumerate(batch):
                for name in analyzer(text):
                    rows[row, index[name]] = weight
            return sparse.csr_matrix(rows)
        return FunctionTransformer(transform, accept_sparse=True)

    transformers = []
    for block in blocks:
        if block.kind == "tfidf":
            transformers.append((block.name, TfidfVectorizer(analyzer=block.analyzer, sublinear_tf=True)))
        else:
            transformers.append((block.name, flags(block.analyzer, list(block.analyzer.names), block.weight)))
    pipeline = Pipeline([
        ("features", FeatureUnion(transformers)),
        ("model", LogisticRegression(C=c, solver="sag", tol=1e-6, max_iter=20000, random_state=0,
                                     class_weight=class_weight)),
    ])
    pipeline.fit(list(texts), list(labels))
    fitted, offset = [], 0
    for block, (_, transformer) in zip(blocks, pipeline.named_steps["features"].transformer_list):
        if block.kind == "tfidf":
            vocabulary, idf = dict(transformer.vocabulary_), transformer.idf_.copy()
        else:
            vocabulary, idf = {name: i for i, name in enumerate(block.analyzer.names)}, None
        fitted.append(_FittedBlock(block.analyzer, block.kind, block.weight, vocabulary, idf, offset))
        offset += len(vocabulary)
    model = pipeline.named_steps["model"]
    result = LinearTextModel(fitted, np.ascontiguousarray(model.coef_.T), model.intercept_.copy(),
                             [str(c) for c in model.classes_])
    result.pipeline = pipeline
    return result
