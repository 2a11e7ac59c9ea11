"""The bot's commands: the menu Telegram shows (setMyCommands) and the words each one stands for.

A command is turned into the words the dialogue already understands, so "/report" is exactly
"report a crime" typed out and the dialogue needs no Telegram knowledge. Words after a command are
kept ("/advice shoplifting" -> "advice shoplifting"), except /start's, which is a deep-link code, not
something the person said. An unknown command is its own word without the slash ("/back" -> "back").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import BotCommand


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # shown in Telegram's command menu
    words: str  # what the dialogue is told


COMMANDS = (
    Command("report", "Report a crime against your business", "report a crime"),
    Command("advice", "Crime prevention advice", "advice"),
    Command("status", "What's happening with my report", "what's happening with my report"),
    Command("help", "How this works", "help"),
    Command("cancel", "Stop what we're doing", "cancel"),
    Command("start", "Start again from the menu", "hello"),
    Command("stop", "Stop all alerts, reminders and updates from us", "stop"),
)
BY_NAME = {command.name: command for command in COMMANDS}
KEEPS_ARGUMENTS = frozenset({"report", "advice", "status", "help", "cancel"})
# Telegram's command syntax; "@name" is added in chats with several bots ("/report@bizwatch_bot").
COMMAND = re.compile(r"^/(?P<name>[A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s+(?P<rest>.*))?$", re.DOTALL)


def menu() -> list[BotCommand]:
    """The command menu, in the order Telegram shows it."""
    return [BotCommand(command.name, command.description) for command in COMMANDS]


def words_for(text: str) -> str:
    """The words a message starting with a command stands for (``text`` unchanged if it is not one)."""
    match = COMMAND.match(text)
    if match is None:
        return text
    name, rest = match.group("name").lower(), (match.group("rest") or "").strip()
    command = BY_NAME.get(name)
    if command is None:
        return f"{name} {rest}".strip()
    if name not in KEEPS_ARGUMENTS:
        return command.words
    return f"{command.words} {rest}".strip()


def is_stop(text: str) -> bool:
    """The /stop command: it opts the chat out of everything we would send first, before any dialogue."""
    match = COMMAND.match(text.strip())
    return match is not None and match.group("name").lower() == "stop"
