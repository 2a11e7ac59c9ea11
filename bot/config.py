"""Settings, read from ``BIZWATCH_*`` environment variables and an optional ``.env`` file.

Every setting has an embedded default so ``bizwatch serve`` works on a fresh machine with no
tokens and no database server: SQLite under ``./var/``, the embedded interpreter, web and
terminal channels only.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nlu.paths import DEFAULT_CACHE_DIR

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
        default="30/minute", description="Messages one chat sender may send (limits notation).",
    )
    new_conversations_per_address: str = Field(
        default="30/hour", description="New chat conversations one client address may start (limits notation).",
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
    interpreter: Literal["embedded", "rasa"] = Field(
        default="embedded", description="Which language interpreter to use."
    )
    rasa_url: str | None = Field(default=None, description="Rasa server base URL when interpreter=rasa.")
    rasa_token: str | None = Field(default=None, description="Rasa server token, if it needs one.")
    rasa_timeout_seconds: float = Field(default=3.0, gt=0, description="Timeout for Rasa server calls.")
    nlu_cache_dir: str = Field(default=DEFAULT_CACHE_DIR, description="Where trained models are cached.")
    telegram_token: str | None = Field(default=None, description="Telegram bot token (optional).")
    telegram_webhook_secret: str | None = Field(default=None, description="Telegram webhook secret token.")
    twilio_account_sid: str | None = Field(default=None, description="Twilio account SID (optional).")
    twilio_auth_token: str | None = Field(default=None, description="Twilio auth token (optional).")
    twilio_from_number: str | None = Field(default=None, description="Twilio sending number, E.164.")

    @field_validator("database_url")
    @classmethod
    def _normalise_postgres_driver(cls, value: str) -> str:
        """Accept the common ``postgresql://`` form and use the psycopg 3 driver we ship."""
        if value.startswith("postgresql://"):
            return "postgresql+psycopg://" + value[len("postgresql://") :]
        if value.startswith("postgres://"):
            return "postgresql+psycopg://" + value[len("postgres://") :]
        return value

    @field_validator("rate_limit_per_address", "rate_limit_per_sender", "new_conversations_per_address")
    @classmethod
    def _valid_rate_limit(cls, value: str) -> str:
        """Fail at start-up, not on the first request, when a limit is mistyped."""
        from limits import parse_many

        parse_many(value)
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process (tests build their own ``Settings`` instead)."""
    return Settings()
