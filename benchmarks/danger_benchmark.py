"""Danger detection: recall and false alarms per class, per part (dev / held-out) and per position.

Run from the repository root:  python benchmarks/danger_benchmark.py [--interpreter] [--misses]
                                                                      [--database-url URL]

The labelled messages are tests/emergency/messages.yml (development: the rules were tuned on it),
tests/emergency/held_out.yml (written first, never tuned on) and tests/emergency/held_out_2.yml
(written before the rules were changed for the audit of issue 7, never tuned on). First the detector alone
(bot.emergency.assess), then the real engine at every position of tests/emergency/emergency_positions.py
(each message tried where the conversation stands, then rolled back), on a throw-away SQLite database
unless --database-url names one (its rows are left as they were).

Recall: share of danger_now / threat_serious_later messages whose reply starts with the full 999
guidance (at positions, also with the draft and the question unchanged). False alarms: share of
ordinary messages that got it. 101: share that got the 101 line for a threat without immediacy.
Last, an independent check on messages written by other hands for other purposes: the examples of
nlu/data/*.yml (emergency examples should get 999; the other intents' should not, though "help me"
is labelled the help intent there and is an emergency here) and the advice questions of tests/advice
(none should get 999).
--interpreter shows what the interpreter's ``emergency`` intent would add at several thresholds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "emergency")]

from bot.config import Settings  # noqa: E402
from bot.emergency import Level, assess  # noqa: E402
from bot.storage.db import make_engine  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from emergency_data import CLASSES, NEEDS_999, PARTS, Message, load, score  # noqa: E402
from emergency_positions import POSITIONS, RememberingInterpreter, Result, run  # noqa: E402

NOW = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)


def detector_outcome(message: Message) -> str | None:
    level = assess(message.text).level
    return "999" if level in (Level.NOW, Level.THREAT) else "101" if level is Level.MINOR_THREAT else None


def print_detector(messages: dict[str, list[Message]], misses: bool) -> None:
    print("Detector alone (bot.emergency.assess)")
    print(f"  {'part':10} {'class':22} {'n':>4} {'999':>7} {'101':>7}")
    for part, items in messages.items():
        for label, result in score(items, detector_outcome).items():
            print(f"  {part:10} {label:22} {result.total:4} {result.rate_999:7.3f} {result.rate_101:7.3f}")
        threats = [m for m in items if m.label == "threat_serious_later"]
        worded = sum(assess(m.text).level is Level.THREAT for m in threats)
        print(f"  {part:10} {'(threat wording)':22} {len(threats):4} {worded / len(threats):7.3f}")
    if misses:
        wanted = {"danger_now": "999", "threat_serious_later": "999", "threat_no_immediacy": "101", "ordinary": None}
        for part, items in messages.items():
            for m in items:
                if detector_outcome(m) != wanted[m.label]:
                    print(f"  miss [{part}] {m.label}: {m.text!r} -> {assess(m.text)}")


def position_rates(results: list[Result], part: str) -> tuple[str, ...]:
    def share(label: str, ok) -> str:
        chosen = [r for r in results if r.message.part == part and r.message.label == label]
        return f"{sum(map(ok, chosen)) / len(chosen):.3f}" if chosen else "-"

    danger = lambda r: r.guidance_first and r.unchanged  # noqa: E731
    return (share("danger_now", danger), share("threat_serious_later", danger),
            share("threat_no_immediacy", lambda r: r.line_101),
            share("ordinary", lambda r: r.guidance_first))


def print_positions(database_url: str, interpreter, messages: list[Message], misses: bool) -> None:
    settings = Settings(database_url=database_url, nlu_cache_dir=tempfile.mkdtemp(), _env_file=None)
    database = make_engine(database_url)
    print("\nReal engine at each position: recall of danger now and of serious threats (999 first, nothing "
          "stored), share of\nthreats without immediacy given the 101 line, false alarms (999 on ordinary answers)")
    print(f"  {'':22} " + " ".join(f"{part:^31}" for part in PARTS))
    print(f"  {'position':22} " + " ".join(f"{name:>7}" for _ in PARTS for name in ("now", "threat", "101", "FA")))
    totals: dict[tuple[str, str], list[int]] = {}
    started = time.perf_counter()
    for position in POSITIONS:
        results = run(database, interpreter, settings, NOW, position, messages)
        rates = [rate for part in PARTS for rate in position_rates(results, part)]
        print(f"  {position.name:22} " + " ".join(f"{rate:>7}" for rate in rates))
        for r in results:
            key = (r.message.part, r.message.label)
            hit = r.guidance_first and bool(r.unchanged) if r.message.label in NEEDS_999 else r.guidance_first
            totals.setdefault(key, [0, 0])
            totals[key][0] += 1
            totals[key][1] += hit
            if misses and (hit != (r.message.label in NEEDS_999)):
                print(f"    miss [{r.message.part}] {r.message.label}: {r.message.text!r}")
    print(f"  ({len(POSITIONS)} positions, {len(messages)} messages each, in {time.perf_counter() - started:.1f} s; "
          "while already holding, threats without immediacy get the reminder instead of the 101 line)")
    for part in PARTS:
        figures = ", ".join(f"{label} {totals[(part, label)][1]}/{totals[(part, label)][0]}"
                            for label in CLASSES if (part, label) in totals)
        print(f"  all positions [{part}] got the 999 guidance: {figures}")
    database.dispose()


def print_interpreter(interpreter, messages: dict[str, list[Message]]) -> None:
    print("\nThe interpreter's emergency intent: alone, and what it would add to the rules")
    print(f"  {'part':9} {'threshold':>9} {'recall':>7} {'FA':>7} {'adds recall':>12} {'adds FA':>8}")
    for part, items in messages.items():
        probabilities = []
        for m in items:
            ranking = interpreter.parse(m.text, now=NOW).get("intent_ranking", [])
            p = next((r["confidence"] for r in ranking if r["name"] == "emergency"), 0.0)
            probabilities.append((m, p, assess(m.text).needs_999))
        danger = [x for x in probabilities if x[0].label in NEEDS_999]
        ordinary = [x for x in probabilities if x[0].label == "ordinary"]
        for threshold in (0.1, 0.3, 0.5, 0.7, 0.9):
            print(f"  {part:9} {threshold:9.1f} {sum(p >= threshold for _, p, _ in danger) / len(danger):7.3f} "
                  f"{sum(p >= threshold for _, p, _ in ordinary) / len(ordinary):7.3f} "
                  f"{sum(p >= threshold and not rule for _, p, rule in danger):12} "
                  f"{sum(p >= threshold and not rule for _, p, rule in ordinary):8}")


def print_independent() -> None:
    import yaml

    from nlu.loader import load_file
    from nlu.paths import TEST_FILE, TRAINING_FILE

    print("\nIndependent check: messages written by others for the interpreter and the advice search")
    for path in (TRAINING_FILE, TEST_FILE):  # the intent data (the crime-type held-out file has no intents)
        examples = load_file(path).examples
        emergency = [e.text for e in examples if e.intent == "emergency"]
        others = [e for e in examples if e.intent != "emergency"]
        caught = sum(assess(text).needs_999 for text in emergency)
        alarms = [f"{e.intent}: {e.text!r}" for e in others if assess(e.text).needs_999]
        print(f"  {path.name}: emergency examples given 999 {caught}/{len(emergency)}; other intents' examples "
              f"given 999 {len(alarms)}/{len(others)}" + (f" ({'; '.join(alarms)})" if alarms else ""))
    for path in sorted((ROOT / "tests" / "advice").glob("questions*.yml")):
        questions = [q["q"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]
        alarms = [repr(q) for q in questions if assess(q).needs_999]
        print(f"  {path.name}: advice questions given 999 {len(alarms)}/{len(questions)}"
              + (f" ({'; '.join(alarms)})" if alarms else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="Run the positions on this database (default: a temporary SQLite).")
    parser.add_argument("--interpreter", action="store_true", help="Also measure the interpreter's emergency intent.")
    parser.add_argument("--misses", action="store_true", help="List every message decided wrongly.")
    args = parser.parse_args()

    from nlu.embedded import EmbeddedInterpreter

    messages = {part: load(part) for part in PARTS}
    print("messages: " + ", ".join(f"{part} {len(items)}" for part, items in messages.items()))
    print_detector(messages, args.misses)
    interpreter = RememberingInterpreter(EmbeddedInterpreter())
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/danger-benchmark.sqlite3"
    upgrade(url)
    print_positions(url, interpreter, [m for items in messages.values() for m in items], args.misses)
    print_independent()
    if args.interpreter:
        print_interpreter(interpreter, messages)


if __name__ == "__main__":
    main()
