"""The HTTP face of the fake Twilio: the 2010-04-01 Messages API (create, fetch, list), media URLs,
and a few ``/_fake/`` routes for demos driven from a shell.

Requests need HTTP basic auth with the account SID and auth token, as the real API does. Creating a
message validates it the way Twilio does (in that order: missing fields, length, channel, number,
region), refuses stopped recipients with 21610 and senders over their rate with 429 / 20429, and
otherwise answers 201 with the message resource, after which the courier plays its delivery.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
from collections.abc import Callable
from contextlib import asynccontextmanager
from email.utils import format_datetime
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

import phonenumbers
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from integrations.twilio.fake import errors
from integrations.twilio.fake.courier import API_VERSION, Courier, delivery_steps
from integrations.twilio.fake.inbound import InboundMessages
from integrations.twilio.fake.segments import segment
from integrations.twilio.fake.settings import FakeSettings
from integrations.twilio.fake.state import WHATSAPP, Ledger, SentMessage, bare_number, channel_of, new_sid

MAX_BODY = 1600
ACCOUNT = f"/{API_VERSION}/Accounts/{{account}}"


def _date(at: float | None) -> str | None:
    return None if at is None else format_datetime(datetime.fromtimestamp(at, timezone.utc))


def message_resource(message: SentMessage) -> dict[str, Any]:
    """The Message resource JSON, as the create, fetch and list endpoints return it."""
    uri = f"/{API_VERSION}/Accounts/{message.account_sid}/Messages/{message.sid}"
    accepted = message.status == "accepted"
    return {
        "account_sid": message.account_sid,
        "api_version": API_VERSION,
        "body": message.body,
        "date_created": _date(message.received_at),
        "date_sent": _date(message.date_sent),
        "date_updated": _date(message.date_updated or message.received_at),
        "direction": "outbound-api",
        "error_code": message.error_code,
        "error_message": errors.DELIVERY_ERRORS.get(message.error_code) if message.error_code else None,
        # A Messaging Service picks the sender (and so the segment count) after the create answers.
        "from": None if accepted else message.from_,
        "messaging_service_sid": message.messaging_service_sid,
        "num_media": str(len(message.media_urls)),
        "num_segments": "0" if accepted else str(message.segments),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": message.to,
        "uri": f"{uri}.json",
    }


def _error_response(error: errors.TwilioApiError, settings: FakeSettings) -> JSONResponse:
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
    if error.retry_after is not None and settings.retry_after_header:
        headers["Retry-After"] = str(max(1, math.ceil(error.retry_after)))
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def _valid_number(number: str) -> bool:
    if not number.startswith("+"):
        return False
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return False


def _region(number: str) -> str | None:
    return phonenumbers.region_code_for_number(phonenumbers.parse(number))


def create_app(
    settings: FakeSettings,
    ledger: Ledger,
    courier: Courier,
    inbound: InboundMessages,
    clock: Callable[[], float],
) -> Starlette:
    def authenticate(request: Request) -> None:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            username, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise errors.authenticate() from None
        valid = hmac.compare_digest(username, settings.account_sid) and hmac.compare_digest(
            password, settings.auth_token
        )
        if scheme.lower() != "basic" or not valid:
            raise errors.authenticate()
        if request.path_params.get("account") != settings.account_sid:
            raise errors.not_found(request.url.path)

    def api(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        """Authenticate, run the handler, and turn refusals into Twilio's error JSON."""

        async def endpoint(request: Request) -> Response:
            try:
                authenticate(request)
                return await handler(request)
            except errors.TwilioApiError as error:
                return _error_response(error, settings)

        return endpoint

    async def create_message(request: Request) -> Response:
        form = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True)
        fields = {name: value for name, value in reversed(form)}  # the first value of each name
        media_urls = tuple(value for name, value in form if name == "MediaUrl")
        message = message_from_form(fields, media_urls)
        now = message.received_at
        outside_window = False
        if message.channel == "whatsapp" and not message.content_sid:
            heard = ledger.last_heard(message.to)
            outside_window = heard is None or now - heard > settings.whatsapp_window
        ledger.admit(message, settings.budget(message.from_), settings.rate_window)
        steps = delivery_steps(
            message, ledger.delivery_for(message.to), outside_window, settings.whatsapp_read_receipts
        )
        courier.dispatch(message, steps)
        return JSONResponse(message_resource(message), status_code=201)

    def message_from_form(fields: dict[str, str], media_urls: tuple[str, ...]) -> SentMessage:
        to, from_ = fields.get("To", ""), fields.get("From", "")
        service, body, content_sid = fields.get("MessagingServiceSid"), fields.get("Body", ""), fields.get("ContentSid")
        if not to:
            raise errors.to_required()
        if not from_ and not service:
            raise errors.from_required()
        if not body and not media_urls and not content_sid:
            raise errors.body_required()
        if len(body) > MAX_BODY:
            raise errors.body_too_long()
        channel = channel_of(to)
        if not from_:
            from_ = settings.messaging_services.get(service or "", settings.phone_number)
            from_ = WHATSAPP + bare_number(from_) if channel == "whatsapp" else from_
        if channel_of(from_) != channel:
            raise errors.channel_mismatch()
        number = bare_number(to)
        if not _valid_number(number):
            raise errors.invalid_to(to)
        if channel == "sms" and settings.sms_regions is not None and _region(number) not in settings.sms_regions:
            raise errors.region_not_enabled(to)
        counted = segment(body)
        return SentMessage(
            sid=new_sid("MM" if media_urls else "SM"),
            account_sid=settings.account_sid,
            to=to,
            from_=from_,
            body=body,
            channel=channel,
            segments=1 if channel == "whatsapp" else counted.segments,
            encoding=None if channel == "whatsapp" else counted.encoding,
            received_at=clock(),
            status="accepted" if service else "queued",
            media_urls=media_urls,
            messaging_service_sid=service,
            content_sid=content_sid,
            content_variables=fields.get("ContentVariables"),
            status_callback=fields.get("StatusCallback"),
        )

    async def fetch_message(request: Request) -> Response:
        message = ledger.message(request.path_params["sid"])
        if message is None:
            raise errors.not_found(request.url.path)
        return JSONResponse(message_resource(message))

    async def list_messages(request: Request) -> Response:
        query = request.query_params
        page, size = int(query.get("Page", "0")), min(int(query.get("PageSize", "50")), 1000)
        wanted = [
            message
            for message in reversed(ledger.sent())
            if query.get("To", message.to) == message.to and query.get("From", message.from_) == message.from_
        ]
        chunk = wanted[page * size : (page + 1) * size]
        path = request.url.path
        more = len(wanted) > (page + 1) * size
        return JSONResponse(
            {
                "messages": [message_resource(message) for message in chunk],
                "start": page * size,
                "end": page * size + max(len(chunk) - 1, 0),
                "page": page,
                "page_size": size,
                "uri": f"{path}?PageSize={size}&Page={page}",
                "first_page_uri": f"{path}?PageSize={size}&Page=0",
                "previous_page_uri": f"{path}?PageSize={size}&Page={page - 1}" if page else None,
                "next_page_uri": f"{path}?PageSize={size}&Page={page + 1}" if more else None,
            }
        )

    async def fetch_media(request: Request) -> Response:
        sid = request.path_params["media"]
        media = ledger.media(sid)
        if media is None:
            raise errors.not_found(request.url.path)
        if settings.media_redirect:
            return RedirectResponse(f"/_fake/media/{ledger.media_link(sid)}", status_code=307)
        return Response(media.data, media_type=media.content_type)

    # Outside Twilio's API, without auth (the fake listens on 127.0.0.1 only): the signed CDN link that
    # media URLs redirect to, then routes for demos driven from a shell.
    async def media_link(request: Request) -> Response:
        media = ledger.media_by_link(request.path_params["token"])
        if media is None:
            return Response(status_code=404)
        return Response(media.data, media_type=media.content_type)

    async def send_inbound(request: Request) -> Response:
        fields = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
        if not fields.get("From"):
            return JSONResponse({"error": "From is required"}, status_code=400)
        if not settings.inbound_url:
            return JSONResponse({"error": "start the fake with --inbound-url"}, status_code=400)
        result = await inbound.receive(fields["From"], fields.get("Body", ""), to=fields.get("To"))
        return JSONResponse(
            {"message_sid": result.message_sid, "status_code": result.status_code, "response": result.text}
        )

    async def sent(request: Request) -> Response:
        return JSONResponse(
            [{**message_resource(m), "segments": m.segments, "encoding": m.encoding} for m in ledger.sent()]
        )

    async def stats(request: Request) -> Response:
        return JSONResponse(ledger.stats())

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        await courier.open()
        yield
        await courier.close()

    return Starlette(
        routes=[
            Route(f"{ACCOUNT}/Messages.json", api(create_message), methods=["POST"]),
            Route(f"{ACCOUNT}/Messages.json", api(list_messages), methods=["GET"]),
            Route(f"{ACCOUNT}/Messages/{{sid}}.json", api(fetch_message), methods=["GET"]),
            Route(f"{ACCOUNT}/Messages/{{sid}}/Media/{{media}}", api(fetch_media), methods=["GET"]),
            Route("/_fake/media/{token}", media_link, methods=["GET"]),
            Route("/_fake/inbound", send_inbound, methods=["POST"]),
            Route("/_fake/sent", sent, methods=["GET"]),
            Route("/_fake/stats", stats, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
