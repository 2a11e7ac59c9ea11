"""Run the fake Telegram Bot API for a local demo: you type as a Telegram user, the bot's replies print.

    python -m integrations.telegram.fake --port 8081 --token 123456:demo-token [--user 1001] [--no-limits]

Lines you type are text messages from the user. Lines starting with "!" act instead:
!press DATA (tap the button carrying DATA), !photo PATH, !document PATH, !block, !unblock, !quit.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from integrations.telegram.fake.fake import DEFAULT_TOKEN, FakeTelegram
from integrations.telegram.fake.limits import FloodLimits
from integrations.telegram.fake.records import SentMessage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m integrations.telegram.fake", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token the fake accepts")
    parser.add_argument("--user", type=int, default=1001, help="the Telegram user id you type as")
    parser.add_argument("--no-limits", action="store_true", help="switch the flood limits off")
    args = parser.parse_args(argv)

    limits = FloodLimits(overall=None, per_chat=None, per_group=None) if args.no_limits else FloodLimits()
    with FakeTelegram(args.token, port=args.port, limits=limits) as telegram:
        print(f"Fake Telegram Bot API on {telegram.url}")
        print(f"  bot token      {telegram.token}")
        print(f"  base_url       {telegram.base_url}")
        print(f"  base_file_url  {telegram.base_file_url}")
        print(f"You are user {args.user}. Type a message; !press DATA, !photo PATH, !document PATH, "
              "!block, !unblock or !quit.")
        stop = threading.Event()
        threading.Thread(target=_print_replies, args=(telegram, stop), daemon=True).start()
        try:
            for line in sys.stdin:
                if not _act(telegram, args.user, line.rstrip("\n")):
                    break
        except KeyboardInterrupt:
            pass
        stop.set()
    return 0


def _act(telegram: FakeTelegram, user: int, line: str) -> bool:
    """Carry out one typed line; False to quit."""
    command, _, rest = line.partition(" ")
    try:
        if command == "!quit":
            return False
        if command == "!press":
            telegram.press_button(user, rest)
        elif command in ("!photo", "!document"):
            path = Path(rest).expanduser()
            if command == "!photo":
                telegram.inject_photo(user, path.read_bytes())
            else:
                telegram.inject_document(user, path.read_bytes(), file_name=path.name)
        elif command == "!block":
            telegram.block(user)
        elif command == "!unblock":
            telegram.unblock(user)
        elif line.strip():
            telegram.inject_text(user, line)
    except (LookupError, OSError) as problem:
        print(f"  ({problem})")
    return True


def _print_replies(telegram: FakeTelegram, stop: threading.Event) -> None:
    shown = 0
    while not stop.is_set():
        try:
            sent = telegram.wait_for_sent(shown + 1, timeout=0.5)
        except TimeoutError:
            continue
        for message in sent[shown:]:
            print(_describe(message), flush=True)
        shown = len(sent)


def _describe(message: SentMessage) -> str:
    kind = "" if message.method == "sendMessage" else f"[{message.method.removeprefix('send').lower()}] "
    lines = [f"bot to {message.chat_id}> {kind}{message.text or ''}"]
    lines += [f"    [{label}] -> !press {data}" for label, data in message.buttons]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
