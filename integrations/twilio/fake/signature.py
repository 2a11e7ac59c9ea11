"""X-Twilio-Signature as Twilio computes it, written from Twilio's documented scheme rather than
borrowed from the twilio library, so that tests validating with the library's ``RequestValidator``
check one implementation against another.

The signed string is the URL the app configured (its public URL, query string included) followed by
every POST parameter, sorted by name, as name then value with no separators. The signature is the
base64 of its HMAC-SHA1 keyed with the account's auth token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Twilio-Signature"


def sign(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature value for a form POST of ``params`` to ``url``."""
    payload = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")
