"""The chat page in a real headless Chromium on a phone-sized screen: greeting, 999 banner, buttons,
typing, HTML shown as text, a report that carries on after the page is reloaded (same cookie), a
retry after a dropped connection that reuses the message id, and a long paste that is counted.

Needs Debian's Chromium (`apt-get install chromium`); Playwright never downloads a browser here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path("/tmp/bizwatch-chat.png")
PHONE = {"width": 390, "height": 844}
HOSTILE = "<b>bold</b> <img src=x onerror=alert(1)>"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


class Shopkeeper:
    """One person on a phone using the chat page, so the test reads like what they see and do."""

    def __init__(self, page) -> None:
        from playwright.sync_api import expect

        self.page = page
        self.expect = expect
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # The page must work under its own Content-Security-Policy: a blocked script or style is an error.
        page.on("console", lambda message: self.errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.on("response", self._response)

    def _response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"{response.status} {response.url}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    @property
    def bot_replies(self):
        return self.page.locator("#log li.bot")

    def bot_says(self, words: str):
        """Wait for a bot reply containing ``words`` (case-insensitive) and return it."""
        reply = self.bot_replies.filter(has_text=re.compile(re.escape(words), re.IGNORECASE)).last
        self.expect(reply).to_be_visible()
        return reply

    def can_read(self, reply) -> None:
        """The reply (buttons included) is scrolled into view above the message box, not hidden under it."""
        handle = reply.element_handle()
        try:
            self.page.wait_for_function(
                """(item) => {
                    const box = item.getBoundingClientRect();
                    const composer = document.getElementById("composer").getBoundingClientRect();
                    return box.bottom <= Math.min(composer.top, window.innerHeight) + 1;
                }""", arg=handle, timeout=2_000)
        except Exception as error:  # noqa: BLE001 - report what the person would see
            raise AssertionError(f"newest reply is hidden below the message box: {reply.inner_text()!r}") from error

    def tap(self, reply, title: str) -> None:
        button = reply.locator(".buttons button", has_text=title)
        self.expect(button).to_have_count(1)
        button.click()

    def type(self, text: str) -> None:
        """Type into the message box and press Enter, as on a phone keyboard's send key."""
        replies_before = self.bot_replies.count()
        box = self.page.locator("#message")
        box.fill(text)
        box.press("Enter")
        self.expect(box).to_have_value("")
        self.expect(self.page.locator("#log li.me").last).to_have_text(text)
        self.expect(self.bot_replies).not_to_have_count(replies_before)


@pytest.fixture
def shopkeeper(browser, live_server) -> Iterator[Shopkeeper]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(5_000)
    page = context.new_page()
    person = Shopkeeper(page)
    page.goto("/")
    yield person
    context.close()


def test_a_report_by_buttons_and_typing_survives_html_and_a_reload(shopkeeper):
    page, expect = shopkeeper.page, shopkeeper.expect

    expect(page.locator(".emergency")).to_contain_text("In an emergency, call 999")
    greeting = shopkeeper.bot_says("I can help you report a crime")
    expect(greeting.locator(".buttons button")).to_have_text(["Report a crime", "Prevention advice"])

    shopkeeper.tap(greeting, "Report a crime")
    expect(page.locator("#log li.me").last).to_have_text("Report a crime")
    danger = shopkeeper.bot_says("is the person still there")
    expect(danger.locator(".buttons button")).to_have_text(["No, it's over", "Yes, danger now"])

    shopkeeper.tap(danger, "No, it's over")
    what = shopkeeper.bot_says("What happened? Pick one")
    expect(what.locator(".buttons button")).to_have_count(8)
    shopkeeper.can_read(what)

    shopkeeper.type("shop theft")
    shopkeeper.bot_says("When did it happen")
    # Options of an answered question no longer respond, so a stray tap cannot answer the next one.
    expect(what.locator(".buttons button").first).to_be_disabled()
    shopkeeper.type("today at 2pm")
    shopkeeper.bot_says("Where did it happen")

    # The business name is free text that the bot stores and may repeat: it must stay text.
    shopkeeper.type(HOSTILE)
    shopkeeper.can_read(shopkeeper.bot_says("What's the address"))
    log = page.locator("#log")
    expect(page.locator("#log li.me").last).to_have_text(HOSTILE)
    expect(log.locator("img")).to_have_count(0)
    expect(log.locator("b")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOT))

    # Who is speaking is the server's cookie: HttpOnly (no script can read it), SameSite=Lax.
    [cookie] = [c for c in page.context.cookies() if c["name"] == "bizwatch_chat"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "bizwatch_chat" not in page.evaluate("document.cookie")
    # Reload: the page starts afresh, but the report is kept under the same cookie.
    page.reload()
    shopkeeper.bot_says("I can help you report a crime")
    assert [c["value"] for c in page.context.cookies() if c["name"] == "bizwatch_chat"] == [cookie["value"]]
    shopkeeper.type("carry on")
    shopkeeper.bot_says("What's the address")
    expect(log.locator("img")).to_have_count(0)

    assert shopkeeper.dialogs == [], "a typed message ran as script"
    assert shopkeeper.errors == [], "the chat page raised errors"
    expect(page.locator("#status")).to_have_text("")


def test_a_message_retried_after_a_dropped_connection_is_taken_once(shopkeeper):
    """The service saves the answer but the reply never arrives: 'Send again' resends the same id and
    gets the reply the service gave the first time, instead of the answer being taken twice."""
    page, expect = shopkeeper.page, shopkeeper.expect
    sent: list[dict] = []
    lost: list[str] = []
    network = {"down": False}

    def webhook(route) -> None:
        sent.append(route.request.post_data_json)
        if not network["down"]:
            route.continue_()
            return
        if not lost:
            lost.append(route.fetch().json()[0]["text"])  # the server takes it and answers...
        route.abort("connectionreset")  # ...and the answer is lost; the script's own retries fail too

    page.route("**/webhooks/rest/webhook", webhook)
    shopkeeper.tap(shopkeeper.bot_says("I can help you report a crime"), "Report a crime")
    shopkeeper.tap(shopkeeper.bot_says("is the person still there"), "No, it's over")
    shopkeeper.bot_says("What happened? Pick one")
    network["down"] = True
    box = page.locator("#message")
    box.fill("burglary")
    box.press("Enter")
    failure = shopkeeper.bot_says("couldn't reach the service")
    network["down"] = False
    shopkeeper.tap(failure, "Send again")
    # The reply saved with the first delivery, not a second reading of "burglary" at the next question.
    expect(shopkeeper.bot_replies.last).to_have_text(lost[0])
    ids = {body["message_id"] for body in sent if body["message"] == "burglary"}
    assert len(ids) == 1, f"a retry used a new message id: {ids}"
    assert len([body for body in sent if body["message"] == "burglary"]) >= 3  # retried by itself, then by hand
    assert all("sender" not in body for body in sent), "the page must not claim a sender"


def test_a_long_paste_is_counted_not_cut(shopkeeper):
    page, expect = shopkeeper.page, shopkeeper.expect
    box = page.locator("#message")
    box.fill("They took the whole display. " * 160)  # 4,640 characters
    expect(page.locator("#counter")).to_contain_text("only the first 4,000 will be kept")
    assert len(box.input_value()) == 4640, "the box cut the paste"
    box.press("Enter")
    shopkeeper.bot_says("kept the first 4,000 characters")
    expect(page.locator("#counter")).to_have_text("")
