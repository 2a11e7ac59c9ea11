"""Reading a Bot API call's parameters however they come: query string, JSON, urlencoded form or multipart.

The Bot API takes all four. In a form (what python-telegram-bot sends) every value is a string and
objects are JSON-serialised strings (`reply_markup={"inline_keyboard": ...}`, `offset=42`); in a JSON
body they are native. `Params` hides the difference: each getter accepts both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from integrations.telegram.fake.errors import bad_request


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart body."""

    filename: str | None
    content_type: str | None
    data: bytes


async def read_params(request: Request) -> Params:
    values: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                decoded = json.loads(body)
            except ValueError:
                raise bad_request("can't parse JSON encoded request body") from None
            if not isinstance(decoded, dict):
                raise bad_request("JSON encoded request body must be an object")
            values.update(decoded)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    values[key] = Upload(value.filename, value.content_type, await value.read())
                else:
                    values[key] = value
    return Params(values)


class Params:
    """Typed access to one call's parameters, refusing bad values with the Bot API's 400s."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def has(self, name: str) -> bool:
        return self._values.get(name) not in (None, "")

    def string(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or isinstance(value, Upload):
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self._values.get(name)
        if value in (None, ""):
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self._values.get(name)
        if value in (None, ""):
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def boolean(self, name: str) -> bool:
        value = self._values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def chat_id(self) -> int:
        """The chat to act in. Only numeric ids are known to the fake (no @channelusername)."""
        value = self._values.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def json(self, name: str, what: str | None = None) -> Any:
        """A JSON-serialised parameter (a string in a form, native in a JSON body); None when absent."""
        value = self._values.get(name)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what or name}") from None

    def string_list(self, name: str, what: str) -> list[str] | None:
        """A JSON array of strings (allowed_updates); None when absent."""
        value = self.json(name, what)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise bad_request(f"can't parse {what}")
        return value

    def file(self, name: str) -> Upload | str | None:
        """An uploaded file, or a string naming one (a file_id or an HTTP URL)."""
        value = self._values.get(name)
        if value in (None, ""):
            return None
        return value if isinstance(value, Upload) else str(value)
