"""What one chat turn costs, in counts that do not drift with the machine's speed.

    python benchmarks/turn_cost.py [--conversations 20] [--database-url URL] [--long]

Plays the scripted typical report (benchmarks/report_turns.py's first script) through the engine
in-process, as the web channel would, and prints per turn: SQL statements executed and Python
function calls made (``sys.setprofile``), plus CPU milliseconds (noisy here; compare counts). The
first conversation warms caches and is not counted.

``--long`` instead sends 64 kB hostile texts (registrations and dates repeated, words, one unbroken
string), each to a fresh conversation and at the CCTV question, and prints the CPU milliseconds of
the whole turn and of the part inside its transaction (where, on SQLite, it holds the one writer).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.messages import Inbound  # noqa: E402
from bot.service import Service, build_service  # noqa: E402

SCRIPT = [
    "some lad nicked £80 of meat from the shop yesterday afternoon", "no",
    "Kumar's Convenience Store, 12 High Street, Walsall WS1 1QL",
    "he put 6 steaks and a leg of lamb in his coat and walked out", "young lad about 18, grey hoodie",
    "yes you can see his face, the clock is right, it keeps 30 days", "later", "no",
    "Priya Kumar, owner, 07700 900123", "text", "yes", "submit",
]


LONG_TEXTS = {
    "registrations and dates": "AB12 CDE on 12/03/2025 at 10:30pm, then KX65 ZTR 13/03/2025 " * 1100,
    "words": "they took some stuff from the counter yesterday and ran off down the road " * 900,
    "one unbroken string": "abcdefghij" * 6400,
}


def turn(service: Service, sender: str, text: str) -> float:
    """The thread's CPU milliseconds for one turn."""
    started = time.thread_time()
    service.engine.handle(Inbound("web", sender, uuid.uuid4().hex, text, datetime.now(timezone.utc)))
    return (time.thread_time() - started) * 1000


def long_texts(service: Service, repeats: int) -> None:
    inside: list[float] = []
    began = 0.0

    def begin(*_: object) -> None:
        nonlocal began
        began = time.thread_time()

    event.listen(service.database, "begin", begin)
    event.listen(service.database, "commit", lambda *_: inside.append((time.thread_time() - began) * 1000))
    turn(service, "warm-up", SCRIPT[0])
    for name, text in LONG_TEXTS.items():
        for where, before in (("a new conversation", []), ("the CCTV question", SCRIPT[:5])):
            whole, held = [], []
            for _ in range(repeats):
                sender = f"long-{uuid.uuid4().hex[:8]}"
                for line in before:
                    turn(service, sender, line)
                inside.clear()
                whole.append(turn(service, sender, text[:64_000]))
                held.append(sum(inside))
            print(f"{name}, at {where}: whole turn {statistics.median(whole):.1f} ms CPU (median of {repeats}), "
                  f"inside the transaction {statistics.median(held):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--long", action="store_true", help="Measure 64 kB hostile texts instead.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/cost.sqlite3"
        service = build_service(Settings(database_url=url, nlu_cache_dir=f"{tmp}/nlu", _env_file=None))
        if args.long:
            long_texts(service, max(3, args.conversations // 4))
            service.close()
            return
        statements = 0

        def count(*_: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(service.database, "before_cursor_execute", count)
        calls = 0

        def profile(frame: object, what: str, arg: object) -> None:
            nonlocal calls
            if what == "call":
                calls += 1

        per_turn: list[tuple[int, int, float]] = []
        for conversation in range(args.conversations + 1):
            sender = f"cost-{conversation}-{uuid.uuid4().hex[:6]}"
            for line in SCRIPT:
                inbound = Inbound("web", sender, uuid.uuid4().hex, line, datetime.now(timezone.utc))
                statements, calls, started = 0, 0, time.process_time()
                sys.setprofile(profile)
                service.engine.handle(inbound)
                sys.setprofile(None)
                if conversation:  # the first one warms caches
                    per_turn.append((statements, calls, (time.process_time() - started) * 1000))
        service.close()
    print(f"{len(per_turn)} turns ({args.conversations} reports of {len(SCRIPT)} turns, "
          f"{'PostgreSQL' if args.database_url else 'SQLite'})")
    print(f"SQL statements per turn: mean {statistics.mean(t[0] for t in per_turn):.2f}, "
          f"max {max(t[0] for t in per_turn)}")
    print(f"Python calls per turn:   mean {statistics.mean(t[1] for t in per_turn):,.0f}, "
          f"max {max(t[1] for t in per_turn):,}")
    print(f"CPU ms per turn (profiled, noisy): median {statistics.median(t[2] for t in per_turn):.1f}")


if __name__ == "__main__":
    main()
