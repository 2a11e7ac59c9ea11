"""Run the fake Twilio API for a local demo: ``python -m integrations.twilio.fake --port 8401``.

It serves until Ctrl-C (or SIGTERM) and prints the account SID, auth token and base URL to give the
app (BIZWATCH_TWILIO_API_BASE_URL and the Twilio credentials), and how to play a user texting in.
"""

from __future__ import annotations

import argparse
import signal
import threading

from integrations.twilio.fake.fake import FakeTwilio
from integrations.twilio.fake.settings import DEFAULT_NUMBER

DEMO_ACCOUNT_SID = "AC" + "0" * 31 + "1"
DEMO_AUTH_TOKEN = "fa4e" * 8


def _pairs(values: list[str], convert: type = str) -> dict[str, object]:
    pairs = {}
    for value in values:
        key, separator, target = value.partition("=")
        if not separator or not key:
            raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {value!r}")
        pairs[key] = convert(target)
    return pairs


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m integrations.twilio.fake", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--account-sid", default=DEMO_ACCOUNT_SID)
    parser.add_argument("--auth-token", default=DEMO_AUTH_TOKEN)
    parser.add_argument("--phone-number", default=DEFAULT_NUMBER, help="our SMS number (inbound To)")
    parser.add_argument("--whatsapp-number", default=DEFAULT_NUMBER, help="our WhatsApp sender, without whatsapp:")
    parser.add_argument("--inbound-url", help="the app's messaging webhook (public URL, signed for)")
    parser.add_argument(
        "--proxy",
        action="append",
        default=[],
        metavar="PUBLIC=ACTUAL",
        help="post requests for PUBLIC URL prefix to ACTUAL (a TLS-terminating proxy); repeatable",
    )
    parser.add_argument("--rate", type=float, default=10.0, help="segments per second per sender (default 10)")
    parser.add_argument(
        "--sender-rate", action="append", default=[], metavar="SENDER=RATE", help="another rate for one sender"
    )
    parser.add_argument("--callback-delay", type=float, default=0.2, help="seconds between status changes")
    parser.add_argument("--shuffle-callbacks", action="store_true", help="post status callbacks out of order")
    parser.add_argument("--duplicate-callbacks", type=float, default=0.0, help="chance each callback comes twice")
    parser.add_argument("--seed", type=int, help="seed for shuffling and duplicating callbacks")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    fake = FakeTwilio(
        port=args.port,
        account_sid=args.account_sid,
        auth_token=args.auth_token,
        phone_number=args.phone_number,
        whatsapp_number=args.whatsapp_number,
        inbound_url=args.inbound_url,
        proxy=_pairs(args.proxy),
        rate=args.rate,
        sender_rates=_pairs(args.sender_rate, float),
        callback_delay=args.callback_delay,
        shuffle_callbacks=args.shuffle_callbacks,
        duplicate_callbacks=args.duplicate_callbacks,
        seed=args.seed,
    )
    finished = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: finished.set())
    with fake:
        print(f"Fake Twilio listening on {fake.base_url}", flush=True)
        print(f"  account SID {fake.account_sid}  auth token {fake.auth_token}")
        print(f"  our number {fake.settings.phone_number}  rate {args.rate:g} segments/s per sender")
        print(f"  a user texts us:  curl -d From=+447700900123 -d Body=hello {fake.base_url}/_fake/inbound")
        print(f"  what we sent:     curl {fake.base_url}/_fake/sent", flush=True)
        try:
            # Waking now and then: a SIGTERM taken by the server's thread does not interrupt a wait
            # with no timeout, and the handler (run by the main thread) would wait for ever.
            while not finished.wait(0.25):
                pass
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
