"""Twilio: SMS and WhatsApp, through the official twilio library.

One unit, like a channel folder in a multi-channel server: ``webhooks`` (the two signed routes),
``inbound`` (a message arriving: carrier words first, media into the evidence store, then the
engine), ``status`` (delivery reports onto the outbox), ``channels`` (rendering and sending),
``sending`` (the twilio client and its error codes), ``keywords`` and ``consent`` (STOP, START,
HELP), ``window`` (WhatsApp's 24 hours), ``encoding`` (segments), ``capabilities``, recorded
provider payloads in ``fixtures/`` and a fake Twilio API in ``fake/`` for tests and demos.

Nothing heavy is imported here: ``bot.channels`` reads the SMS capabilities from this package.
"""

# The webhook paths, as pasted into the Twilio console after the public base URL.
MESSAGES_PATH = "/webhooks/twilio/messages"
STATUS_PATH = "/webhooks/twilio/status"
