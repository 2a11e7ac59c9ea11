"""``RasaHttpInterpreter``: the same interface over a Rasa server's ``POST /model/parse``."""

from __future__ import annotations

from datetime import datetime

import httpx

from nlu.interpreter import InterpreterUnavailable, ParseResult

__all__ = ["InterpreterUnavailable", "RasaHttpInterpreter"]


class RasaHttpInterpreter:
    """Talks to ``{base_url}/model/parse`` (Rasa's HTTP API; ``token`` is sent as ``?token=``)."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 3.0,
                 transport: httpx.BaseTransport | None = None):
        if not base_url or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"Rasa base URL must start with http:// or https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def parse(self, text: str, now: datetime | None = None) -> ParseResult:
        # Rasa resolves times itself (Duckling's reftime); ``now`` is not part of its API.
        params = {"token": self.token} if self.token else None
        url = f"{self.base_url}/model/parse"
        try:
            response = self._client.post("/model/parse", json={"text": text}, params=params)
        except httpx.TimeoutException:
            raise InterpreterUnavailable(f"Rasa server at {url} did not answer within {self.timeout:g}s") from None
        except httpx.TransportError as exc:
            raise InterpreterUnavailable(f"cannot reach Rasa server at {url}: {exc or type(exc).__name__}") from None
        if response.status_code in (401, 403):
            raise InterpreterUnavailable(f"Rasa server at {url} refused the token (HTTP {response.status_code})")
        if response.status_code != 200:
            raise InterpreterUnavailable(f"Rasa server at {url} answered HTTP {response.status_code}: "
                                         f"{response.text[:200]}")
        try:
            result = response.json()
        except ValueError:
            raise InterpreterUnavailable(f"Rasa server at {url} answered with invalid JSON") from None
        if not isinstance(result, dict) or not isinstance(result.get("intent"), dict):
            raise InterpreterUnavailable(f"Rasa server at {url} answered without an intent")
        result.setdefault("text", text)
        result.setdefault("entities", [])
        result.setdefault("intent_ranking", [result["intent"]])
        if result["intent"].get("name") is None:  # Rasa answers name=None when no model intent fits
            result["intent"] = {"name": "out_of_scope", "confidence": float(result["intent"].get("confidence") or 0.0)}
        return result

    def close(self) -> None:
        self._client.close()
