"""Telegram: the channel adapter (python-telegram-bot 22) and a fake Bot API server to run it against.

One unit, like a channel folder in a multi-channel server:

- ``channel``: ``TelegramChannel``, rendering (4096 characters, inline keyboards) and ``send`` for the
  sender workers, with PTB's errors translated (``errors``); ``keyboard``: buttons and callback data.
- ``updates``: an ``Update`` becomes an ``Inbound`` (``inbound``, ``commands``, ``evidence`` for photos
  and documents) and a turn of the engine; blocking and unblocking the bot (``reachability``).
- ``polling`` (long polling) and ``webhook`` (``POST /webhooks/telegram``), chosen by ``mode``;
  ``runtime`` starts and stops them with ``bizwatch serve``.
- ``client`` and ``loop``: the one Bot on its own event loop thread.
- ``fixtures/``: updates as the Bot API sends them, for the tests. ``fake/``: the fake Bot API.

Dialogue state stays in bizwatch's database: no ConversationHandler, no PTB persistence.
"""

CHANNEL = "telegram"
