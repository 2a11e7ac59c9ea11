"""Helpers for the public-edge tests: the app with chosen settings on a real uvicorn, and clients that
speak to it as the chat page (cookie) or as a machine client (bearer token)."""

from __future__ import annotations

import dataclasses

import httpx
from pydantic import SecretStr

from bot.service import Service
from conftest import LiveServer

TOKEN = "test-token-7f3a"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
WEBHOOK = "/webhooks/rest/webhook"


def with_settings(service: Service, **overrides: object) -> Service:
    """The same service (database, engine) with the web edge's settings changed."""
    if "rest_token" in overrides and isinstance(overrides["rest_token"], str):
        overrides["rest_token"] = SecretStr(overrides["rest_token"])
    return dataclasses.replace(service, settings=service.settings.model_copy(update=overrides))


class EdgeServer(LiveServer):
    """LiveServer with uvicorn's own X-Forwarded-For handling off, as `bizwatch serve` runs it."""

    def __init__(self, app) -> None:
        super().__init__(app)
        self.server.config.proxy_headers = False


def serve(service: Service, **overrides: object) -> EdgeServer:
    from bot.web.app import create_app

    return EdgeServer(create_app(with_settings(service, **overrides)))


def browser_like(url: str) -> httpx.Client:
    """A client that opened the chat page, so it holds a chat cookie like a visitor's browser."""
    client = httpx.Client(base_url=url, timeout=30)
    assert client.get("/").status_code == 200
    return client


def machine(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers=BEARER, timeout=30)
