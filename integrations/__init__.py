"""Adapters to outside messaging services (Telegram, Twilio)."""
