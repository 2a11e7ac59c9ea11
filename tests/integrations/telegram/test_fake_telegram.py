"""The fake Telegram Bot API, driven through python-telegram-bot exactly as the adapter will drive it.

Each test is something a bot meets on the real service: a user's message arriving by long polling,
a button tapped and its keyboard taken away, a photo downloaded, a flood wait, a user who blocked
the bot, a webhook that fails once.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import Callable, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, InvalidToken, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit, ThreadedServer
from integrations.telegram.fake.limits import FloodControl

pytestmark = pytest.mark.anyio

# No conftest.py here: the suite's own tests import `conftest` by name, and a second one would shadow it.
TOKEN = "123456:fake-token-for-tests"
# Roomy enough that tests sending a few messages to one chat are never refused; flood tests set their own.
ROOMY = FloodLimits(overall=Limit(1000, 1.0), per_chat=Limit(100, 1.0), per_group=Limit(100, 1.0))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # python-telegram-bot runs on asyncio


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    """The fake with roomy flood limits and quick webhook retries."""
    with FakeTelegram(TOKEN, limits=ROOMY, webhook_retry_delay=0.05) as fake:
        yield fake


@pytest.fixture
def bot(telegram: FakeTelegram) -> Bot:
    """A python-telegram-bot Bot pointed at the fake (use `async with bot:`)."""
    return Bot(telegram.token, base_url=telegram.base_url, base_file_url=telegram.base_file_url)


SAM = 1001
PRIYA = 1002
YES_NO = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="cctv:yes"),
                                InlineKeyboardButton("No", callback_data="cctv:no")]])


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait (without blocking the loop) until the server thread has done something."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


# -- identity and polling ---------------------------------------------------------------------------


async def test_get_me_tells_the_bot_who_it_is(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        me = await bot.get_me()
    assert me.is_bot and me.id == 123456 and me.username == "bizwatch_fake_bot"


async def test_a_users_message_arrives_by_polling_until_the_offset_confirms_it(
        telegram: FakeTelegram, bot: Bot) -> None:
    telegram.set_person(SAM, "Sam", "Okafor", username="samscornershop")
    telegram.inject_text(SAM, "some lad nicked 2 bottles of vodka")
    async with bot:
        [update] = await bot.get_updates(timeout=0)
        assert update.message.text == "some lad nicked 2 bottles of vodka"
        assert update.message.from_user.first_name == "Sam" and update.message.from_user.username == "samscornershop"
        assert update.message.chat.type == "private" and update.message.chat.id == SAM
        again = await bot.get_updates(timeout=0)  # not confirmed yet: delivered again
        confirmed = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert [u.update_id for u in again] == [update.update_id]
    assert confirmed == () and telegram.pending_updates == []


async def test_a_long_poll_answers_as_soon_as_the_user_writes(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        poll = asyncio.create_task(bot.get_updates(timeout=20))
        await eventually(lambda: telegram.calls["getUpdates"] == 1)
        telegram.inject_text(SAM, "/start")
        [update] = await asyncio.wait_for(poll, 10)
    assert update.message.text == "/start"
    assert [(e.type, e.offset, e.length) for e in update.message.entities] == [("bot_command", 0, 6)]


async def test_update_ids_rise_and_message_ids_count_per_chat(telegram: FakeTelegram, bot: Bot) -> None:
    first = telegram.inject_text(SAM, "hiya")
    telegram.inject_text(PRIYA, "hello, I want to report a break in")
    telegram.inject_text(SAM, "r u there")
    async with bot:
        updates = await bot.get_updates(timeout=0)
        reply = await bot.send_message(SAM, "Yes, I'm here. What happened?")
    assert [u.update_id for u in updates] == [first["update_id"], first["update_id"] + 1, first["update_id"] + 2]
    assert [(u.message.chat.id, u.message.message_id) for u in updates] == [(SAM, 1), (PRIYA, 1), (SAM, 2)]
    assert reply.message_id == 3  # the bot's messages share the chat's numbering


async def test_allowed_updates_leave_out_other_kinds(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        await bot.get_updates(timeout=0, allowed_updates=["message"])
        await bot.send_message(SAM, "Did anyone see it?", reply_markup=YES_NO)
        telegram.press_button(SAM, "cctv:yes")
        telegram.inject_text(SAM, "yes my neighbour")
        updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["yes my neighbour"]
    assert [u["callback_query"]["data"] for u in telegram.filtered_updates] == ["cctv:yes"]


async def test_a_ptb_application_polls_and_answers_a_command(telegram: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("Hello. Report a crime or get advice?")

    application = (Application.builder().token(telegram.token)
                   .base_url(telegram.base_url).base_file_url(telegram.base_file_url).build())
    application.add_handler(CommandHandler("start", start))
    async with application:
        await application.updater.start_polling(timeout=10)
        await application.start()
        telegram.inject_text(SAM, "/start")
        sent = await asyncio.to_thread(telegram.wait_for_sent, 1, chat_id=SAM)
        await application.updater.stop()
        await application.stop()
    assert [m.text for m in sent] == ["Hello. Report a crime or get advice?"]
    assert telegram.calls["deleteWebhook"] == 1 and telegram.pending_updates == []


async def test_a_second_poller_ends_the_first_with_a_conflict(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        first = asyncio.create_task(bot.get_updates(timeout=20))
        await eventually(lambda: telegram.calls["getUpdates"] == 1)
        async with Bot(telegram.token, base_url=telegram.base_url) as other:
            assert await other.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 10)


# -- buttons --------------------------------------------------------------------------------------


async def test_an_inline_keyboard_is_recorded_with_its_buttons(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        sent = await bot.send_message(SAM, "Do you have CCTV of it?", reply_markup=YES_NO)
    [record] = telegram.sent_to(SAM)
    assert record.text == "Do you have CCTV of it?" and record.message_id == sent.message_id
    assert record.buttons == [("Yes", "cctv:yes"), ("No", "cctv:no")]
    assert sent.reply_markup == YES_NO


async def test_a_tapped_button_is_answered_and_its_keyboard_removed(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        question = await bot.send_message(SAM, "Do you have CCTV of it?", reply_markup=YES_NO)
        telegram.press_button(SAM, "cctv:no")
        [update] = await bot.get_updates(timeout=0)
        press = update.callback_query
        assert press.data == "cctv:no" and press.message.message_id == question.message_id
        assert press.from_user.id == SAM
        assert await bot.answer_callback_query(press.id, text="Noted")
        await bot.edit_message_reply_markup(SAM, question.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_reply_markup(SAM, question.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await bot.answer_callback_query("no-such-query")
    [answer] = telegram.callback_answers
    assert (answer.chat_id, answer.data, answer.text, answer.show_alert) == (SAM, "cctv:no", "Noted", False)
    assert "reply_markup" not in telegram.message(SAM, question.message_id)
    assert [(edit.method, edit.reply_markup) for edit in telegram.edits] == [("editMessageReplyMarkup", None)]
    with pytest.raises(LookupError):
        telegram.press_button(SAM, "cctv:yes")  # the keyboard is gone: nothing left to tap


async def test_editing_the_text_drops_the_keyboard_unless_it_is_sent_again(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        question = await bot.send_message(SAM, "Do you have CCTV of it?", reply_markup=YES_NO)
        edited = await bot.edit_message_text("Do you have CCTV of it? You said: no", SAM, question.message_id)
        with pytest.raises(BadRequest, match="(?i)MESSAGE_TOO_LONG"):
            await bot.edit_message_text("x" * 4097, SAM, question.message_id)
        user_message = telegram.inject_text(SAM, "no")["message"]["message_id"]
        with pytest.raises(BadRequest, match="(?i)message can't be edited"):
            await bot.edit_message_text("changed", SAM, user_message)
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("changed", SAM, 999)
    assert edited.text.endswith("You said: no") and edited.reply_markup is None and edited.edit_date


async def test_callback_data_over_64_bytes_is_refused(telegram: FakeTelegram, bot: Bot) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="report:" + "x" * 60)]])
    async with bot:
        with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(SAM, "Is this right?", reply_markup=too_long)
    assert telegram.sent == []


# -- files ----------------------------------------------------------------------------------------


async def test_the_largest_photo_size_downloads_as_the_bytes_the_user_sent(telegram: FakeTelegram, bot: Bot) -> None:
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"
    telegram.inject_photo(SAM, photo, width=1600, height=1200, caption="this is him")
    async with bot:
        [update] = await bot.get_updates(timeout=0)
        sizes = update.message.photo
        largest = max(sizes, key=lambda size: size.width * size.height)
        file = await bot.get_file(largest.file_id)
        downloaded = bytes(await file.download_as_bytearray())
        smallest = bytes(await (await bot.get_file(sizes[0].file_id)).download_as_bytearray())
    assert update.message.caption == "this is him"
    assert len(sizes) > 1 and sizes[-1] == largest and (largest.width, largest.height) == (1600, 1200)
    assert downloaded == photo and file.file_size == len(photo) == largest.file_size
    assert smallest != photo and max(sizes[0].width, sizes[0].height) == 90


async def test_a_document_downloads_with_its_name_and_type(telegram: FakeTelegram, bot: Bot) -> None:
    invoice = b"%PDF-1.4 fake invoice from 'Sparkle Cleaning Ltd'"
    telegram.inject_document(SAM, invoice, file_name="invoice-march.pdf")
    async with bot:
        [update] = await bot.get_updates(timeout=0)
        document = update.message.document
        file = await bot.get_file(document.file_id)
        downloaded = bytes(await file.download_as_bytearray())
    assert (document.file_name, document.mime_type, document.file_size) == ("invoice-march.pdf", "application/pdf",
                                                                           len(invoice))
    assert downloaded == invoice


async def test_a_file_over_the_download_limit_is_refused() -> None:
    with FakeTelegram("42:small", download_limit=1000) as telegram:
        telegram.inject_document(SAM, b"x" * 1001, file_name="cctv.mp4")
        async with Bot("42:small", base_url=telegram.base_url, base_file_url=telegram.base_file_url) as bot:
            [update] = await bot.get_updates(timeout=0)
            with pytest.raises(BadRequest, match="(?i)file is too big"):
                await bot.get_file(update.message.document.file_id)


async def test_the_bot_sends_a_photo_and_a_document(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        photo = await bot.send_photo(SAM, b"\xff\xd8 a poster \xff\xd9", caption="Your crime prevention poster")
        again = await bot.send_photo(PRIYA, photo.photo[-1].file_id)
        document = await bot.send_document(SAM, b"MG11 draft", filename="statement.txt")
        with pytest.raises(BadRequest, match="(?i)message caption is too long"):
            await bot.send_photo(SAM, photo.photo[-1].file_id, caption="x" * 1025)
    assert [(m.chat_id, m.method, m.text) for m in telegram.sent] == [
        (SAM, "sendPhoto", "Your crime prevention poster"),
        (PRIYA, "sendPhoto", None),
        (SAM, "sendDocument", None),
    ]
    assert again.photo[-1].file_id == photo.photo[-1].file_id
    assert (document.document.file_name, document.document.mime_type) == ("statement.txt", "text/plain")


# -- refusals -------------------------------------------------------------------------------------


async def test_a_message_over_4096_characters_is_refused(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(SAM, "a" * 4097)
        await bot.send_message(SAM, "a" * 4096)
    assert [len(m.text or "") for m in telegram.sent] == [4096]


async def test_sending_twice_a_second_to_one_chat_is_a_flood(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta, PTB 22's future default
    with FakeTelegram("42:flood") as telegram:  # Telegram's own limits
        async with Bot("42:flood", base_url=telegram.base_url) as bot:
            await bot.send_message(SAM, "Thanks, that's everything.")
            with pytest.raises(RetryAfter) as flood:
                await bot.send_message(SAM, "Your reference is BW-7KQM-3XZ9.")
            await bot.send_message(PRIYA, "Another chat is not held up.")
    assert flood.value.retry_after == dtm.timedelta(seconds=1)
    assert [(r.chat_id, r.scope, r.retry_after) for r in telegram.flood_refusals] == [(SAM, "chat", 1)]
    assert telegram.sent_count(SAM) == 1 and telegram.sent_count() == 2


@pytest.mark.parametrize(("limits", "chats", "scope", "retry_after"), [
    (FloodLimits(overall=Limit(3, 6.0), per_chat=None), [1, 2, 3, 4], "overall", 6),
    (FloodLimits(per_group=Limit(2, 60.0), per_chat=None), [-100, -100, -100], "group", 60),
])
async def test_the_overall_and_group_limits_refuse_with_their_own_wait(
        monkeypatch: pytest.MonkeyPatch, limits: FloodLimits, chats: list[int], scope: str, retry_after: int) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    with FakeTelegram("42:flood", limits=limits) as telegram:
        async with Bot("42:flood", base_url=telegram.base_url) as bot:
            for chat in chats[:-1]:
                await bot.send_message(chat, "Shoplifting alert for your area")
            with pytest.raises(RetryAfter) as flood:
                await bot.send_message(chats[-1], "Shoplifting alert for your area")
    # The oldest message leaves the window `period` seconds after it arrived (a slow run may have used one).
    assert retry_after - 1 <= flood.value.retry_after.total_seconds() <= retry_after
    assert [(r.scope, r.retry_after) for r in telegram.flood_refusals] == [(scope, flood.value.retry_after.seconds)]


def test_a_limit_is_a_sliding_window_over_arrival_times() -> None:
    flood = FloodControl(FloodLimits(overall=Limit(3, 1.0), per_chat=Limit(2, 10.0), per_group=None))
    assert [flood.admit(chat, now) for chat, now in [(1, 0.0), (2, 0.1), (3, 0.2)]] == [None, None, None]
    assert flood.admit(4, 0.9) == ("overall", 1)  # refused: 3 already in the last second
    assert flood.admit(4, 1.0) is None  # the one from 0.0 has left the window; the refusal used nothing
    assert flood.admit(1, 1.15) is None
    assert flood.admit(1, 1.5) == ("chat", 9)  # chat 1 had 2 in the last 10 s; the first leaves at 10.0
    assert flood.admit(1, 10.0) is None


async def test_a_user_who_blocked_the_bot_cannot_be_sent_to(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.block(SAM)
    async with bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(SAM, "Reminder: please send the CCTV")
        [update] = await bot.get_updates(timeout=0)
        telegram.unblock(SAM)
        await bot.send_message(SAM, "Welcome back")
    assert update.my_chat_member.new_chat_member.status == "kicked"
    assert update.my_chat_member.chat.id == SAM
    assert [m.text for m in telegram.sent] == ["Welcome back"]


async def test_a_wrong_token_is_rejected(telegram: FakeTelegram) -> None:
    for token in ("123456:not-the-right-secret", "not-a-token"):
        with pytest.raises(InvalidToken):
            async with Bot(token, base_url=telegram.base_url):
                pass
    answer = httpx.get(f"{telegram.base_url}123456:not-the-right-secret/getMe")
    assert answer.status_code == 401
    assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_an_unknown_method_is_not_found(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendCarrierPigeon", api_kwargs={"chat_id": SAM})
    assert httpx.post(f"{telegram.base_url}{telegram.token}/sendCarrierPigeon").json() == {
        "ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_bodies_and_query_strings_work_as_forms_do(telegram: FakeTelegram) -> None:
    url = f"{telegram.base_url}{telegram.token}"
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
    as_json = httpx.post(f"{url}/sendmessage", json={"chat_id": SAM, "text": "Any injuries?", "reply_markup": markup})
    as_query = httpx.get(f"{url}/sendMessage", params={"chat_id": PRIYA, "text": "Any injuries?"})
    assert as_json.json()["ok"] and as_query.json()["result"]["chat"]["id"] == PRIYA
    assert telegram.sent_to(SAM)[0].buttons == [("Yes", "yes")]


# -- webhook --------------------------------------------------------------------------------------


async def test_a_webhook_receives_updates_with_the_secret_and_retries_a_failure(
        telegram: FakeTelegram, bot: Bot) -> None:
    received: list[tuple[str | None, dict]] = []

    async def bizwatch_webhook(request: Request) -> Response:
        received.append((request.headers.get("x-telegram-bot-api-secret-token"), await request.json()))
        return Response(status_code=500 if len(received) == 1 else 200)  # a hiccup on the first try

    receiver = Starlette(routes=[Route("/webhooks/telegram", bizwatch_webhook, methods=["POST"])])
    with ThreadedServer(receiver) as server:
        async with bot:
            assert await bot.set_webhook(f"{server.url}/webhooks/telegram", secret_token="s3cret_Token-1")
            update = telegram.inject_text(SAM, "hello?")
            await eventually(lambda: len(received) == 2)
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates(timeout=0)
            info = await bot.get_webhook_info()
            with pytest.raises(BadRequest, match="(?i)secret token contains unallowed characters"):
                await bot.set_webhook(f"{server.url}/webhooks/telegram", secret_token=telegram.token)
            await bot.delete_webhook()
            telegram.inject_text(SAM, "back to polling")
            [polled] = await bot.get_updates(timeout=0)
    assert [secret for secret, _ in received] == ["s3cret_Token-1", "s3cret_Token-1"]
    assert [body for _, body in received] == [update, update]
    assert [(a.attempt, a.status, a.delivered) for a in telegram.webhook_attempts] == [(1, 500, False), (2, 200, True)]
    assert info.url.endswith("/webhooks/telegram") and info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert polled.message.text == "back to polling"


async def test_a_webhook_that_never_answers_gives_the_update_up() -> None:
    with ThreadedServer(Starlette()) as nowhere:
        dead_url = f"{nowhere.url}/webhooks/telegram"
    with FakeTelegram("42:hook", webhook_retry_delay=0.01, webhook_max_attempts=3) as telegram:
        async with Bot("42:hook", base_url=telegram.base_url) as bot:
            await bot.set_webhook(dead_url)
            telegram.inject_text(SAM, "hello?")
            await eventually(lambda: len(telegram.webhook_attempts) == 3)
            info = await bot.get_webhook_info()
    assert [(a.status, a.error) for a in telegram.webhook_attempts] == [(None, "Connection refused")] * 3
    assert info.pending_update_count == 0 and info.last_error_message == "Connection refused"


# -- commands, waiting, reset ---------------------------------------------------------------------


async def test_the_command_menu_is_kept_per_language(telegram: FakeTelegram, bot: Bot) -> None:
    menu = [BotCommand("report", "Report a crime"), BotCommand("advice", "Prevention advice")]
    async with bot:
        assert await bot.set_my_commands(menu)
        assert await bot.set_my_commands([BotCommand("report", "Adrodd trosedd")], language_code="cy")
        with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
            await bot.set_my_commands([BotCommand("Report", "Report a crime")])
        assert await bot.get_my_commands() == tuple(menu)
    assert telegram.commands() == [{"command": "report", "description": "Report a crime"},
                                   {"command": "advice", "description": "Prevention advice"}]
    assert [c["description"] for c in telegram.commands(language_code="cy")] == ["Adrodd trosedd"]


async def test_wait_for_sent_returns_once_the_bot_has_replied(telegram: FakeTelegram, bot: Bot) -> None:
    async with bot:
        reply = asyncio.create_task(bot.send_message(SAM, "Thanks for telling us."))
        sent = await asyncio.to_thread(telegram.wait_for_sent, 1, chat_id=SAM)
        await reply
    assert [m.text for m in sent] == ["Thanks for telling us."]
    with pytest.raises(TimeoutError):
        telegram.wait_for_sent(2, chat_id=SAM, timeout=0.05)


async def test_reset_forgets_everything_but_keeps_update_ids_rising(telegram: FakeTelegram, bot: Bot) -> None:
    before = telegram.inject_text(SAM, "hello")
    async with bot:
        await bot.send_message(SAM, "Hello, how can I help?")
        telegram.block(PRIYA)
        telegram.reset()
        after = telegram.inject_text(SAM, "hello again")
        await bot.send_message(PRIYA, "Priya is reachable again")
        [update] = await bot.get_updates(timeout=0)
    assert telegram.sent_count(SAM) == 0 and telegram.sent_count(PRIYA) == 1
    assert update.update_id == after["update_id"] > before["update_id"]
    assert update.message.message_id == 1
