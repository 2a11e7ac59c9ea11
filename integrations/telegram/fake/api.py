"""The HTTP face of the fake: `/bot<token>/<method>` and `/file/bot<token>/<file_path>`, as api.telegram.org.

Answers are `{"ok": true, "result": ...}` or the error body with the same HTTP status. A token of the
right shape (`<digits>:<secret>`) that is not the bot's gets 401 Unauthorized; anything else that is
not a known route gets 404 Not Found, as the real service does (python-telegram-bot raises
InvalidToken for both). Method names are case-insensitive.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from integrations.telegram.fake.delivery import UpdateDelivery
from integrations.telegram.fake.errors import ApiError, not_found, unauthorized
from integrations.telegram.fake.methods import METHODS
from integrations.telegram.fake.objects import TOKEN_SHAPE
from integrations.telegram.fake.params import read_params
from integrations.telegram.fake.state import TelegramState

def build_app(state: TelegramState, delivery: UpdateDelivery) -> Starlette:
    def check_token(token: str) -> None:
        if token != state.token:
            raise unauthorized() if TOKEN_SHAPE.match(token) else not_found()

    def count(method: str) -> None:
        with state.lock:
            state.calls[method] += 1

    async def call_method(request: Request) -> Response:
        name = request.path_params["method"].lower()
        try:
            check_token(request.path_params["token"])
            if name == "getupdates":
                params = await read_params(request)
                count("getUpdates")
                result: Any = await delivery.get_updates(params)
            else:
                entry = METHODS.get(name)
                if entry is None:
                    raise not_found()
                canonical, method = entry
                params = await read_params(request)
                count(canonical)
                result = method(state, params)
        except ApiError as refusal:
            return JSONResponse(refusal.body(), status_code=refusal.code)
        return JSONResponse({"ok": True, "result": result})

    async def download(request: Request) -> Response:
        try:
            check_token(request.path_params["token"])
        except ApiError as refusal:
            return JSONResponse(refusal.body(), status_code=refusal.code)
        with state.lock:
            stored = state.files_by_path.get(request.path_params["file_path"])
        if stored is None:
            return JSONResponse(not_found().body(), status_code=404)
        return Response(stored.data, media_type=stored.mime_type)

    async def unknown_route(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        description = "Not Found" if status == 404 else "Method Not Allowed"
        return JSONResponse({"ok": False, "error_code": status, "description": description}, status_code=status)

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        await delivery.start()
        try:
            yield
        finally:
            await delivery.stop()

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", call_method, methods=["GET", "POST"]),
            Route("/file/bot{token}/{file_path:path}", download, methods=["GET"]),
        ],
        exception_handlers={404: unknown_route, 405: unknown_route},
        lifespan=lifespan,
    )
