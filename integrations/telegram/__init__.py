"""Telegram: the channel adapter (python-telegram-bot) and a fake Bot API server to run it against."""
