"""Conversations, one module each. Flows never import a channel; they speak in ``bot.messages``."""
