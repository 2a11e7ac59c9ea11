"""What SMS and WhatsApp (through Twilio) can show, stated once for the engine, the flows and the adapter.

SMS: no buttons (options are numbered), no media unless the number takes MMS (US and Canadian
numbers do; UK numbers do not), and ten GSM-7 segments at most per part (throughput and cost count
segments). WhatsApp: no buttons either (free-form messages through Twilio are plain text), but photos
and files arrive; its parts are kept to the SMS length so that a part can go by SMS when WhatsApp may
not carry it (outside the 24-hour window).

Both say "delete" where other channels say "cancel": on SMS "cancel" is one of the carrier's opt-out
words (texting it unsubscribes the number from everything), and on WhatsApp bizwatch honours the same
words (see ``keywords``), so the dialogue must never suggest them.
"""

from __future__ import annotations

from bot.messages import ChannelCapabilities

SEGMENTS_PER_PART = 10
MAX_PART_CHARS = 153 * SEGMENTS_PER_PART  # 1530: ten GSM-7 segments of a split message
CANCEL_WORD = "delete"

SMS = ChannelCapabilities(buttons=False, media=False, max_length=MAX_PART_CHARS, cancel_word=CANCEL_WORD)
WHATSAPP = ChannelCapabilities(buttons=False, media=True, max_length=MAX_PART_CHARS, cancel_word=CANCEL_WORD)
