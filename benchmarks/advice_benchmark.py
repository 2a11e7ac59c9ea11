"""Advice search: accuracy on the labelled questions and search latency.

Run from the repository root:  python benchmarks/advice_benchmark.py [--repeat N]

Accuracy: top-1 (the first article is an acceptable answer) and top-3 (an acceptable answer is in
the first three) for tests/advice/questions.yml and the two held-out sets. Latency: wall time of
``AdviceLibrary.search`` per question over every labelled question, repeated, reported as p50 and
p99; plus the one-off cost of loading and indexing the articles.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.advice.evaluate import evaluate, load_questions  # noqa: E402
from bot.advice.library import AdviceLibrary  # noqa: E402

SETS = ("questions.yml", "questions_holdout.yml", "questions_holdout2.yml")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="Passes over all questions for latency.")
    args = parser.parse_args()

    started = time.perf_counter()
    library = AdviceLibrary.from_directory()
    build_ms = (time.perf_counter() - started) * 1000
    print(f"articles: {len(library.articles)}  load+index: {build_ms:.1f} ms")

    all_questions = []
    for name in SETS:
        questions = load_questions(ROOT / "tests" / "advice" / name)
        all_questions += questions
        result = evaluate(library, questions)
        print(f"{name:24} n={result.total:3}  top-1 {result.top1:.3f}  top-3 {result.top3:.3f}")

    timings = []
    for _ in range(args.repeat):
        for question in all_questions:
            t0 = time.perf_counter()
            library.search(question.text, crime_type=question.crime_type, sector=question.sector, season=question.season)
            timings.append((time.perf_counter() - t0) * 1000)
    print(
        f"search latency over {len(timings)} searches: p50 {percentile(timings, 0.50):.2f} ms  "
        f"p99 {percentile(timings, 0.99):.2f} ms  max {max(timings):.2f} ms  mean {statistics.fmean(timings):.2f} ms"
    )


if __name__ == "__main__":
    main()
