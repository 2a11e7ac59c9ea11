"""Settings, read from ``BIZWATCH_*`` environment variables and an optional ``.env`` file.

Every setting has an embedded default so ``bizwatch serve`` works on a fresh machine with no
tokens and no database server: SQLite under ``./var/``, the embedded interpreter, web and
terminal channels only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nlu.paths import DEFAULT_CACHE_DIR

# Providers' limits (DOMAIN.md "Messaging facts"): Telegram about 30 messages a second per bot and one
# a second per chat; a UK long code about 10 SMS segments a second.
DELIVERY_RATES = {"telegram": "30/second", "sms": "10/second", "whatsapp": "10/second"}
DELIVERY_RATES_PER_RECIPIENT = {"telegram": "1/second"}

# Campaign defaults, also read by `bizwatch advice check` (it checks the presets against them).
DEFAULT_SMS_MAX_SEGMENTS = 3
DEFAULT_OPT_OUT_LINE = "To change or end these alerts, reply MY ALERTS."


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BIZWATCH_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/bizwatch.sqlite3",
        description="SQLAlchemy URL; PostgreSQL in production (postgresql+psycopg://...).",
    )
    timezone: str = Field(default="Europe/London", description="Local time for dates shown and parsed.")
    public_base_url: str = Field(
        default="http://127.0.0.1:8000", description="Public https URL (webhook signatures, links)."
    )
    host: str = Field(default="127.0.0.1", description="Address `bizwatch serve` listens on.")
    port: int = Field(default=8000, description="Port `bizwatch serve` listens on.")
    conversation_idle_minutes: int = Field(
        default=30, ge=1, description="Idle time after which a returning user is asked to carry on."
    )
    draft_retention_days: int = Field(
        default=30, ge=1, description="How long an abandoned report draft is kept before deletion."
    )
    processed_message_retention_days: int = Field(
        default=7, ge=1,
        description="How long replies (and the record that the message they answer was handled) are kept to "
                    "spot redelivery.",
    )
    delivery_record_retention_days: int = Field(
        default=90, ge=1, description="How long sent reminders, updates and alerts are kept for delivery reports.",
    )
    contact_retention_days: int = Field(
        default=180, ge=1,
        description="A contact with no reports left and no conversation for this long is deleted.",
    )
    max_message_chars: int = Field(
        default=4000, ge=100, description="Longer messages are stored up to this length and the user told."
    )
    turn_deadline_seconds: float = Field(
        default=4.0, gt=0,
        description="A turn that cannot reach the database for this long answers 503 'please send it again'.",
    )
    max_body_bytes: int = Field(
        default=65_536, ge=1024, description="Larger request bodies are refused with 413 before they are read.",
    )
    rest_token: SecretStr | None = Field(
        default=None,
        description="Bearer token for machine clients of POST /webhooks/rest/webhook (and /model/parse).",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Signs the chat cookie; unset: a random key kept in the database, shared by all processes.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated proxy addresses or networks whose X-Forwarded-For is believed; empty: none.",
    )
    rate_limit_per_address: str = Field(
        default="120/minute", description="Requests one client address may make (limits notation).",
    )
    rate_limit_per_sender: str = Field(
        default="30/minute", description="Messages one sender may send, on every channel (limits notation).",
    )
    new_conversations_per_address: str = Field(
        default="30/hour", description="New chat conversations one client address may start (limits notation).",
    )
    health_checks_per_address: str = Field(
        default="120/minute",
        description="GET /healthz calls one client address may make (limits notation); REST token holders are "
                    "not counted.",
    )
    redis_url: str | None = Field(
        default=None, description="Redis URL for shared rate limits (needed with several processes).",
    )
    api_docs: bool = Field(default=False, description="Serve /docs, /redoc and /openapi.json.")
    model_parse_endpoint: bool = Field(
        default=False, description="Serve POST /model/parse (needs the REST token when one is set).",
    )
    scheduler: bool = Field(
        default=True, description="`bizwatch serve` runs the scheduled jobs (one process is elected).",
    )
    delivery_workers_in_serve: bool = Field(
        default=True,
        description="`bizwatch serve` also runs sender workers; false where `bizwatch worker` runs separately.",
    )
    delivery_concurrency: int = Field(
        default=4, ge=1, le=64, description="Messages one worker process sends at the same time on each channel.",
    )
    delivery_poll_seconds: float = Field(
        default=5.0, gt=0,
        description="How often workers look for due messages when nothing wakes them (messages due later, "
                    "SQLite across processes).",
    )
    delivery_lease_seconds: float = Field(
        default=60.0, ge=5,
        description="How long a worker holds a message it is sending; a dead worker's messages go out after this.",
    )
    delivery_max_attempts: int = Field(
        default=8, ge=1, description="Attempts before a message that keeps failing is marked failed.",
    )
    delivery_retry_base_seconds: float = Field(
        default=2.0, gt=0, description="The first retry waits up to this long; each later one up to twice as long.",
    )
    delivery_retry_max_seconds: float = Field(
        default=900.0, gt=0, description="The longest wait between two attempts.",
    )
    delivery_rates: dict[str, str] = Field(
        default=DELIVERY_RATES,
        description="Send rate per channel (JSON, limits notation; channels named replace their default); "
                    "SMS counts segments per second for the sender.",
    )
    delivery_rates_per_recipient: dict[str, str] = Field(
        default=DELIVERY_RATES_PER_RECIPIENT,
        description="Send rate to one recipient, per channel (JSON; channels named replace their default).",
    )
    campaign_single_approver: bool = Field(
        default=False,
        description="One person may both write and approve a campaign or alert (a one-person deployment); "
                    "otherwise a second person approves.",
    )
    campaign_misfire_grace_minutes: int = Field(
        default=60, ge=0,
        description="A campaign send missed while the service was down still goes this long after its time; "
                    "later than that it is recorded as missed.",
    )
    campaign_sms_max_segments: int = Field(
        default=DEFAULT_SMS_MAX_SEGMENTS, ge=1, le=10,
        description="The most SMS segments one campaign or alert text may take (longer templates are refused).",
    )
    campaign_opt_out_line: str = Field(
        default=DEFAULT_OPT_OUT_LINE,
        description="Added to every campaign and alert message so people can always opt out "
                    "(an alphanumeric sender id cannot take replies: name a number or web address then).",
    )
    evidence_dir: str = Field(default="var/evidence", description="Folder where evidence files (photos, CCTV) are kept.")
    evidence_max_bytes: int = Field(
        default=2 * 1024 ** 3, ge=1024, description="The largest evidence file accepted, in bytes.",
    )
    quiet_hours_start: str = Field(
        default="21:00", description="From this local time nothing that can wait (reminders, updates) is sent.",
    )
    quiet_hours_end: str = Field(default="08:00", description="Local time the quiet hours end.")
    cctv_reminder_hours: float = Field(
        default=3.0, gt=0,
        description="The first CCTV reminder goes this many hours after a report with CCTV to follow.",
    )
    cctv_reminder_morning: str = Field(
        default="09:00", description="Local time of the next-morning CCTV reminder.",
    )
    cctv_reminder_days_before_overwrite: int = Field(
        default=2, ge=0, description="The last CCTV reminder goes this many days before the footage is recorded over.",
    )
    upload_link_hours: int = Field(
        default=72, ge=1, description="How long a CCTV upload link works (it works once).",
    )
    alerts_default_per_week: int = Field(
        default=2, ge=1, le=7, description="The most crime alerts a week a new subscriber gets unless they choose.",
    )
    alerts_max_pause_weeks: int = Field(
        default=26, ge=1, le=104, description="The longest a subscriber may pause alerts for, in weeks.",
    )
    interpreter: Literal["embedded", "rasa"] = Field(
        default="embedded", description="Which language interpreter to use."
    )
    rasa_url: str | None = Field(default=None, description="Rasa server base URL when interpreter=rasa.")
    rasa_token: str | None = Field(default=None, description="Rasa server token, if it needs one.")
    rasa_timeout_seconds: float = Field(default=3.0, gt=0, description="Timeout for Rasa server calls.")
    nlu_cache_dir: str = Field(default=DEFAULT_CACHE_DIR, description="Where trained models are cached.")
    telegram_token: str | None = Field(default=None, description="Telegram bot token from BotFather (optional).")
    telegram_webhook_secret: str | None = Field(
        default=None,
        description="Secret Telegram sends with every webhook update (1-256 of A-Z a-z 0-9 _ -); needed for webhooks.",
    )
    telegram_mode: Literal["auto", "polling", "webhook"] = Field(
        default="auto",
        description="How Telegram updates arrive; auto: a webhook when the public URL is https, else long polling.",
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API address ending in /bot (the token follows); files are fetched from .../file/bot.",
    )
    twilio_account_sid: str | None = Field(default=None, description="Twilio account SID (optional).")
    twilio_auth_token: str | None = Field(default=None, description="Twilio auth token (optional).")
    twilio_from_number: str | None = Field(
        default=None, description="Our SMS sender: a Twilio number (E.164) or a one-way alphanumeric id.",
    )
    twilio_api_base_url: str | None = Field(
        default=None, description="Send Twilio API requests here instead of https://api.twilio.com (a fake, a proxy).",
    )
    twilio_sms_media: bool = Field(
        default=False, description="Our SMS number takes MMS photos (US and Canadian numbers; UK numbers do not).",
    )
    twilio_opt_out_number: str | None = Field(
        default=None, description="With a one-way (alphanumeric) SMS sender: our number people text STOP to.",
    )
    twilio_whatsapp_from: str | None = Field(default=None, description="Our WhatsApp sender number, E.164.")
    twilio_whatsapp_template_sid: str | None = Field(
        default=None,
        description="Content template (HX...) for WhatsApp outside the 24-hour window; {{1}} is the message.",
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_postgres_driver(cls, value: str) -> str:
        """Accept the common ``postgresql://`` form and use the psycopg 3 driver we ship."""
        if value.startswith("postgresql://"):
            return "postgresql+psycopg://" + value[len("postgresql://") :]
        if value.startswith("postgres://"):
            return "postgresql+psycopg://" + value[len("postgres://") :]
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _valid_telegram_secret(cls, value: str | None) -> str | None:
        """Telegram refuses other characters in a webhook's secret token: say so at start-up."""
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _telegram_base_url(cls, value: str) -> str:
        """python-telegram-bot appends the token to this address, so it must end in /bot."""
        value = value.rstrip("/")
        if not value.endswith("/bot"):
            raise ValueError("end the address in /bot, as in https://api.telegram.org/bot")
        return value

    @field_validator("quiet_hours_start", "quiet_hours_end", "cctv_reminder_morning")
    @classmethod
    def _valid_clock_time(cls, value: str) -> str:
        """A local time like 21:00, checked at start-up."""
        from bot.delivery.quiet_hours import clock_time

        clock_time(value)
        return value.strip()

    @field_validator("rate_limit_per_address", "rate_limit_per_sender", "new_conversations_per_address",
                     "health_checks_per_address")
    @classmethod
    def _valid_rate_limit(cls, value: str) -> str:
        """Fail at start-up, not on the first request, when a limit is mistyped."""
        from limits import parse_many

        parse_many(value)
        return value

    @field_validator("delivery_rates", "delivery_rates_per_recipient")
    @classmethod
    def _valid_rate_limits(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        """Fail at start-up, not on the first message, when a send rate is mistyped; a channel not named
        keeps its default, so setting one channel's rate cannot lift another's limit by accident."""
        from limits import parse_many

        for limit in value.values():
            parse_many(limit)
        defaults = DELIVERY_RATES if info.field_name == "delivery_rates" else DELIVERY_RATES_PER_RECIPIENT
        return {**defaults, **value}


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process (tests build their own ``Settings`` instead)."""
    return Settings()
