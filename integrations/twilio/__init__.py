"""Twilio: SMS and WhatsApp, through the official twilio library."""
