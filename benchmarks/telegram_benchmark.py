"""The Telegram adapter against the fake Bot API: reply split sizes, time per send, and update-to-turn time.

Run from the repository root:

    python benchmarks/telegram_benchmark.py [--sends N] [--threads T] [--updates U]

1. Split sizes: the longest reply a report gives (the review, with a 4,000-character story and a
   keyboard) and a reply of people's own words full of emoji, rendered for Telegram: each part's
   length in Telegram's units (UTF-16) and where it was cut.
2. Sends: N messages through ``TelegramChannel.send`` (what a sender worker calls) to the fake, run
   in its own process with its flood limits off, from 1 thread and from T threads sharing the
   channel; time per send (median, p95, p99) and sends per second. This is the adapter's and PTB's
   cost over loopback HTTP, not Telegram's: the real service allows 30 messages a second per bot.
3. Updates: U messages typed to the bot, each from a new person, polled by the service as
   `bizwatch serve` does (SQLite in a temporary folder, the embedded interpreter); time from the
   message reaching the fake to its turn being saved (the reply queued in the outbox).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.base import Part  # noqa: E402
from bot.messages import Button, Outbound  # noqa: E402
from integrations.telegram.channel import TelegramChannel, utf16_length  # noqa: E402
from integrations.telegram.fake import FakeTelegram, FloodLimits  # noqa: E402

TOKEN = "123456:benchmark-token"
NO_LIMITS = FloodLimits(overall=None, per_chat=None, per_group=None)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def split_sizes() -> None:
    channel = TelegramChannel(TOKEN)
    review = ("Here's your report:\n\nType: Shop theft\nWhen: Saturday 21 November 2026, 3:00pm\n"
              "Where: Kumar's Convenience Store, 12 High Street, Walsall, WS1 1QL\n\nWhat happened: "
              + "He put six steaks and a leg of lamb in his coat, looked at the camera and walked out. " * 46
              + "\n\nTaken: 6 steaks, a leg of lamb\nValue: £80\nCCTV: yes, shows the face, kept 7 days\n\n"
              "Say 'submit' to send it, or 'change' and the part to change.")
    emoji = "They wrote on the shutter 🤬🤬 and left 🏃\n" * 250
    for name, text in (("review with a 4,000-character story", review), ("people's words with emoji", emoji)):
        parts = channel.render(Outbound(text, (Button("Submit", "submit"), Button("Change something", "change"))))
        sizes = ", ".join(f"{utf16_length(p.text)}{' +keyboard' if p.buttons else ''}" for p in parts)
        print(f"  {name}: {utf16_length(text)} units -> {len(parts)} parts ({sizes})")
    channel.close()


@contextmanager
def fake_in_its_own_process() -> Iterator[str]:
    """The fake Bot API as `bizwatch dev fake-telegram` runs it, so it does not share this process's GIL."""
    fake = subprocess.Popen([sys.executable, "-m", "integrations.telegram.fake", "--port", "0", "--token", TOKEN,
                             "--no-limits"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert fake.stdout is not None
        url = fake.stdout.readline().split(" on ", 1)[1].strip()
        yield f"{url}/bot"
    finally:
        fake.terminate()
        fake.wait(10)


def sends(count: int, threads: int) -> None:
    with fake_in_its_own_process() as base_url:
        channel = TelegramChannel(TOKEN, base_url)
        channel.send("999", Part("warm-up"))  # getMe and the first connection
        for workers in sorted({1, threads}):
            times: list[float] = []
            lock = threading.Lock()

            def work(first: int) -> None:
                for n in range(first, count, workers):
                    started = time.perf_counter()
                    channel.send(str(10_000 + n), Part("Your reference is BW-7KQM-3XZ9.",
                                                       (Button("Yes", "yes"), Button("No", "no"))))
                    with lock:
                        times.append(time.perf_counter() - started)

            began = time.perf_counter()
            pool = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
            for thread in pool:
                thread.start()
            for thread in pool:
                thread.join()
            elapsed = time.perf_counter() - began
            print(f"  {workers} thread(s): {count} sends in {elapsed:.2f} s = {count / elapsed:.0f}/s; per send "
                  f"median {statistics.median(times) * 1000:.1f} ms, p95 {percentile(times, 0.95) * 1000:.1f} ms, "
                  f"p99 {percentile(times, 0.99) * 1000:.1f} ms")
        channel.close()


def updates(count: int) -> None:
    from sqlalchemy import select

    from bot.config import Settings
    from bot.delivery.outbox import turn_key
    from bot.service import build_service
    from bot.storage.models import OutboxMessage
    from integrations.telegram.runtime import telegram_runtime

    folder = Path(tempfile.mkdtemp(prefix="bizwatch-telegram-bench-"))
    with FakeTelegram(TOKEN, limits=NO_LIMITS) as fake:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
                            nlu_cache_dir=str(folder / "nlu"), evidence_dir=str(folder / "evidence"),
                            telegram_token=TOKEN, telegram_api_base_url=fake.base_url)
        service = build_service(settings)
        runtime = telegram_runtime(service)
        assert runtime is not None
        runtime.start().result(30)

        def saved(update_id: int) -> bool:
            with service.sessions() as session:
                return session.scalar(select(OutboxMessage.id).where(
                    OutboxMessage.idempotency_key == turn_key(str(update_id)))) is not None

        times: list[float] = []
        for n in range(count + 1):
            started = time.perf_counter()
            update = fake.inject_text(20_000 + n, "some lad nicked 2 bottles of vodka from the shop this morning")
            while not saved(update["update_id"]):
                time.sleep(0.0005)
            if n:  # the first warms the interpreter up
                times.append(time.perf_counter() - started)
        runtime.stop()
        service.close()
    print(f"  {count} updates, one at a time: update to saved turn median {statistics.median(times) * 1000:.1f} ms, "
          f"p95 {percentile(times, 0.95) * 1000:.1f} ms, p99 {percentile(times, 0.99) * 1000:.1f} ms "
          "(includes this script's 0.5 ms polling of the database)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=500)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--updates", type=int, default=100)
    args = parser.parse_args()
    print("Reply split sizes (Telegram's limit is 4096 UTF-16 units):")
    split_sizes()
    print("Sends through TelegramChannel.send to the fake Bot API (flood limits off):")
    sends(args.sends, args.threads)
    print("Updates by long polling to a saved turn:")
    updates(args.updates)


if __name__ == "__main__":
    main()
