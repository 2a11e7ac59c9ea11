"""The Bot API's error answers, worded as the real service words them.

Every refusal is `{"ok": false, "error_code": N, "description": "..."}` with the same HTTP status, plus
`parameters` for flood waits. python-telegram-bot picks its exception from the status code (and
`parameters.retry_after`), so both must be right for a client to react as it would in production.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API refusal: raised anywhere in a method, answered by the HTTP layer."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def conflict(reason: str) -> ApiError:
    return ApiError(409, f"Conflict: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
