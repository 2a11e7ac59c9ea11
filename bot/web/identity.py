"""Who is speaking on the web: a chat cookie the server issued, or a machine client's bearer token.

The chat page's visitor gets a random sender id inside a signed cookie (itsdangerous); the
browser keeps it (HttpOnly, SameSite=Lax, Secure over https) and cannot choose or change it, so
knowing someone's sender id is not enough to read or change their conversation. Machine clients
(an operator's own front end, a test harness) send ``Authorization: Bearer <BIZWATCH_REST_TOKEN>``
and name the sender in the body themselves: the token says they are trusted to.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection
from starlette.responses import Response

from bot.config import Settings
from bot.storage.models import SigningKey

COOKIE = "bizwatch_chat"
COOKIE_MAX_AGE = 365 * 24 * 3600  # a shopkeeper can come back to check on a report months later
SIGNING_KEY_NAME = "chat-cookie"


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: a chat visitor (their sender id) or a machine client (sender from the body)."""

    by: Literal["cookie", "token"]
    sender: str | None = None


class Refused(Exception):
    """A request the edge will not serve; rendered as ``{"error": ..., "code": ...}`` with ``status``."""

    def __init__(self, status: int, code: str, error: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.error, self.headers = status, code, error, headers or {}


class Identity:
    """Issues and checks chat cookies, and checks bearer tokens."""

    def __init__(self, secret: str, token: str | None, always_secure: bool) -> None:
        self.serializer = URLSafeSerializer(secret, salt="bizwatch.web.chat")
        self.token = token.encode() if token else None
        self.always_secure = always_secure

    def caller(self, connection: HTTPConnection) -> Caller:
        """The caller, or ``Refused`` (401) when neither a valid token nor a valid cookie came."""
        authorization = connection.headers.get("authorization")
        if authorization is not None:
            if self.token_ok(authorization):
                return Caller(by="token")
            raise Refused(401, "bad_token", "The access token was not accepted.",
                          {"WWW-Authenticate": 'Bearer realm="bizwatch", error="invalid_token"'})
        sender = self.sender(connection)
        if sender is not None:
            return Caller(by="cookie", sender=sender)
        raise Refused(401, "no_session", "There is no chat session: open the chat page to start one "
                                         "(machine clients: send Authorization: Bearer <token>).",
                      {"WWW-Authenticate": 'Bearer realm="bizwatch"'})

    def token_ok(self, authorization: str) -> bool:
        scheme, _, value = authorization.partition(" ")
        return (self.token is not None and scheme.lower() == "bearer"
                and hmac.compare_digest(value.strip().encode(), self.token))

    def sender(self, connection: HTTPConnection) -> str | None:
        """The sender id in a valid chat cookie, or None (missing, forged or tampered with)."""
        value = connection.cookies.get(COOKIE)
        if not value:
            return None
        try:
            sender = self.serializer.loads(value)
        except BadSignature:
            return None
        return sender if isinstance(sender, str) and sender.startswith("web-") else None

    def issue(self, response: Response, connection: HTTPConnection, sender: str | None = None) -> str:
        """Set the chat cookie on ``response`` (a new sender id unless ``sender`` is given)."""
        sender = sender or f"web-{secrets.token_urlsafe(18)}"
        response.set_cookie(COOKIE, self.serializer.dumps(sender), max_age=COOKIE_MAX_AGE, path="/",
                            secure=self.always_secure or connection.url.scheme == "https",
                            httponly=True, samesite="lax")
        return sender


def identity_for(settings: Settings, sessions: sessionmaker[Session]) -> Identity:
    secret = settings.secret_key.get_secret_value() if settings.secret_key else stored_secret(sessions)
    token = settings.rest_token.get_secret_value() if settings.rest_token else None
    return Identity(secret, token, always_secure=settings.public_base_url.startswith("https://"))


def stored_secret(sessions: sessionmaker[Session], name: str = SIGNING_KEY_NAME) -> str:
    """The signing key kept in the database, made on first use; every process reads the same one."""
    for _ in range(2):
        try:
            with sessions.begin() as session:
                key = session.get(SigningKey, name)
                if key is None:
                    key = SigningKey(name=name, value=secrets.token_urlsafe(48))
                    session.add(key)
                return key.value
        except IntegrityError:
            continue  # another process made it at the same moment: read theirs
    raise RuntimeError("could not read or create the cookie signing key")
