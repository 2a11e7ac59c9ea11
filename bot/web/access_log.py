"""Request logs without credentials: an upload link's token (``/upload/<token>``) works once, as a
password would, so the access log and error lines show ``/upload/[hidden]`` instead. The access log is
uvicorn's (``uvicorn.access``, at INFO), read by whoever reads the server's logs."""

from __future__ import annotations

import logging
import re

from bot.evidence.upload_links import PATH as UPLOAD_PATH

ACCESS_LOGGER = "uvicorn.access"
_TOKEN = re.compile(rf"({re.escape(UPLOAD_PATH)}/)[^/?#\s\"]+")


def without_tokens(text: str) -> str:
    """``text`` with any upload token in it replaced."""
    return _TOKEN.sub(r"\1[hidden]", text)


class WithoutTokens(logging.Filter):
    """Rewrites a record's message and arguments (uvicorn passes the path as an argument)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(without_tokens(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def hide_tokens_in_access_log() -> None:
    """Put the filter on uvicorn's access logger, once per process (it outlives uvicorn's logging set-up,
    which replaces handlers but keeps a logger's filters)."""
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, WithoutTokens) for existing in access.filters):
        access.addFilter(WithoutTokens())
