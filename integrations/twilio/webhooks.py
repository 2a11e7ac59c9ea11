"""The two routes Twilio calls: ``POST /webhooks/twilio/messages`` and ``POST /webhooks/twilio/status``.

Who is speaking is proven, not claimed: every request must carry an ``X-Twilio-Signature`` made with
our auth token over the URL Twilio was given (our public URL: ``BIZWATCH_PUBLIC_BASE_URL`` with the
request's path and query, whatever address the proxy in front of us posted to) and the form. A
request without a valid one is refused with 403 and nothing of it is stored.

Inbound messages answer with empty TwiML as soon as the turn is saved: replies go out through the
outbox and the sender workers (rate limits, retries and status tracking), never in the TwiML.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError
from twilio.request_validator import RequestValidator

from bot.engine import DatabaseUnavailable
from bot.service import Service
from bot.web.identity import Refused
from integrations.twilio import MESSAGES_PATH, STATUS_PATH
from integrations.twilio.inbound import InboundHandler, message_from
from integrations.twilio.media import MediaFetcher
from integrations.twilio.status import StatusUpdates, report_from

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Twilio-Signature"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def public_url(base: str, request: Request) -> str:
    """The URL Twilio signed: our public base, then the path and query this request arrived with."""
    query = request.url.query
    return base.rstrip("/") + request.url.path + (f"?{query}" if query else "")


def twilio_router(service: Service) -> APIRouter:
    """Twilio's routes for the app; empty unless an SMS or WhatsApp channel is configured."""
    router = APIRouter()
    settings = service.settings
    if not ({"sms", "whatsapp"} & service.channels.keys()) or not settings.twilio_auth_token:
        return router
    validator = RequestValidator(settings.twilio_auth_token)
    inbound = InboundHandler(service, MediaFetcher(
        settings.twilio_account_sid or "", settings.twilio_auth_token, settings.twilio_api_base_url,
        service.evidence, settings.evidence_max_bytes))
    statuses = StatusUpdates(service.channels, settings)

    async def signed_form(request: Request) -> dict[str, str]:
        form = await request.form()
        params = {name: value for name, value in form.multi_items() if isinstance(value, str)}
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not validator.validate(public_url(settings.public_base_url, request), params, signature):
            log.warning("refused a Twilio webhook with a missing or wrong signature")
            raise Refused(403, "bad_signature", "This request is not signed by our Twilio account.")
        return params

    @router.post(MESSAGES_PATH)
    async def messages(request: Request) -> Response:
        message = message_from(await signed_form(request))
        if message is None:
            raise Refused(400, "invalid", "MessageSid and From are required.")
        try:
            await run_in_threadpool(inbound.receive, message)
        except (DatabaseUnavailable, SQLAlchemyError) as error:
            # Not saved: Twilio does not post it again by itself, but tries the fallback URL if one is set.
            log.warning("inbound %s message not saved: %s", message.channel, type(error).__name__)
            return Response(status_code=503, headers={"Retry-After": "2"})
        return Response(EMPTY_TWIML, media_type="application/xml")

    @router.post(STATUS_PATH)
    async def status(request: Request) -> Response:
        report = report_from(await signed_form(request))
        if report is None:
            raise Refused(400, "invalid", "MessageSid and MessageStatus are required.")

        try:
            await run_in_threadpool(statuses.record, service.sessions, report, service.engine.clock)
        except SQLAlchemyError as error:
            # Nothing of it was kept; Twilio can be told to try again (connection overrides, #rc=).
            log.warning("status callback not saved: %s", type(error).__name__)
            return Response(status_code=503, headers={"Retry-After": "2"})
        return Response(status_code=204)

    return router
