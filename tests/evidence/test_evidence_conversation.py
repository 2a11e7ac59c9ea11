"""Adding evidence to your own report at any time, in conversation: a link, a photo, a video, an upload link,
"there's no footage"; by reference or picked from your open reports; never to someone else's report."""

from __future__ import annotations

from sqlalchemy import select

from bot.messages import Attachment
from bot.storage.models import ReportAttachment
from conftest import Chat
from evidence_support import cctv_history, cctv_status, london, reminder_rows, sent_report

PHOTO = Attachment(kind="photo", file_id="tg-photo-1", content_type="image/jpeg", storage_key="a" * 64, size=48_211,
                   sha256="a" * 64)
PHOTO_2 = Attachment(kind="photo", file_id="tg-photo-2", content_type="image/jpeg", storage_key="b" * 64, size=51_002,
                     sha256="b" * 64)
VIDEO = Attachment(kind="video", file_id="tg-video-1", content_type="video/mp4", storage_key="c" * 64,
                   size=8_400_000, sha256="c" * 64)


def reported(sessions, settings, clock, chat: Chat, **kwargs):
    """A report this chat sent an hour ago, CCTV to follow."""
    return sent_report(sessions, settings, sent_at=clock.now, channel=chat.channel, address=chat.address, **kwargs)


def kept(sessions, report_id: int) -> list[tuple[str, str | None, str | None, int | None, str | None]]:
    with sessions() as session:
        return [(a.kind, a.url or a.file_id, a.content_type, a.size_bytes, a.sha256) for a in session.scalars(
            select(ReportAttachment).where(ReportAttachment.report_id == report_id).order_by(ReportAttachment.id))]


def reminders_left(sessions, report_id: int) -> int:
    return sum(status == "queued" for _, status, _ in reminder_rows(sessions, report_id))


# --- a link -----------------------------------------------------------------------------------------------------
def test_i_have_got_the_cctv_now_with_a_link(chat, sessions, settings, clock):
    made = reported(sessions, settings, clock, chat)
    reply = chat.say("got the cctv now m8 https://we.tl/t-AbC123xyz")
    assert made.reference in reply and "added 1 link" in reply
    assert kept(sessions, made.report_id) == [("cctv_link", "https://we.tl/t-AbC123xyz", None, None, None)]
    assert cctv_status(sessions, made.report_id) == "provided" and reminders_left(sessions, made.report_id) == 0
    assert cctv_history(sessions, made.report_id)[-1] == ("provided", "sent in the chat")


def test_a_bad_link_is_explained_and_a_good_one_then_taken(chat, sessions, settings, clock):
    made = reported(sessions, settings, clock, chat)
    assert "http://" in chat.say("here's the footage http://www.dropbox.com/s/abc/clip.mp4")
    assert "private or local address" in chat.say("https://192.168.0.20/playback/clip.mp4")
    assert kept(sessions, made.report_id) == [] and reminders_left(sessions, made.report_id) == 3
    assert "added 1 link" in chat.say("https://www.dropbox.com/s/abc/clip.mp4?dl=0")
    assert cctv_status(sessions, made.report_id) == "provided"


# --- files --------------------------------------------------------------------------------------------------------
def test_photos_keep_size_type_and_hash_and_an_album_goes_to_the_same_report(engine, sessions, settings, clock):
    phone = Chat(engine, channel="media", address="tg-7001")
    older = reported(sessions, settings, clock, phone, cctv_status="none", overwrite_days=None)
    made = reported(sessions, settings, clock, phone)
    reply = phone.say("", attachments=(PHOTO,))
    assert made.reference in reply and "added 1 photo" in reply  # the one whose CCTV the reminders ask for
    assert "Those were the CCTV" in phone.buttons
    # The rest of the album arrives as more messages: same report, no question.
    assert "added 1 photo" in phone.say("", attachments=(PHOTO_2,))
    assert kept(sessions, made.report_id) == [("photo", "tg-photo-1", "image/jpeg", 48_211, "a" * 64),
                                              ("photo", "tg-photo-2", "image/jpeg", 51_002, "b" * 64)]
    assert kept(sessions, older.report_id) == []
    assert reminders_left(sessions, made.report_id) == 3  # photos are not the footage...
    assert "won't remind you" in phone.say("those pics were off the cctv")  # ...unless they say so
    assert cctv_status(sessions, made.report_id) == "provided" and reminders_left(sessions, made.report_id) == 0


def test_a_video_is_the_footage(engine, sessions, settings, clock):
    phone = Chat(engine, channel="media", address="tg-7002")
    made = reported(sessions, settings, clock, phone)
    assert "added 1 video" in phone.say("here u go", attachments=(VIDEO,))
    assert kept(sessions, made.report_id) == [("cctv_file", "tg-video-1", "video/mp4", 8_400_000, "c" * 64)]
    assert cctv_status(sessions, made.report_id) == "provided" and reminders_left(sessions, made.report_id) == 0
    assert "already have that" in phone.say("", attachments=(VIDEO,))  # the same file twice is kept once
    assert len(kept(sessions, made.report_id)) == 1


# --- which report -----------------------------------------------------------------------------------------------------
def test_picking_from_my_open_reports(chat, sessions, settings, clock):
    first = reported(sessions, settings, clock, chat, cctv_status="none", overwrite_days=None)
    clock.advance(days=2)
    second = reported(sessions, settings, clock, chat, cctv_status="none", overwrite_days=None,
                      crime_type="criminal_damage")
    assert "Which report" in chat.say("i want to add evidence to my report")
    assert len(chat.buttons) == 2 and chat.buttons[0].startswith(second.reference)
    assert "criminal damage" in chat.buttons[0] and "shop theft" in chat.buttons[1]
    reply = chat.say(first.reference)
    assert first.reference in reply and "upload link" in reply
    assert "added 1 link" in chat.say("https://drive.google.com/file/d/1AbC/view")
    assert len(kept(sessions, first.report_id)) == 1 and kept(sessions, second.report_id) == []


def test_a_link_sent_first_waits_for_the_pick(chat, sessions, settings, clock):
    first = reported(sessions, settings, clock, chat, cctv_status="none", overwrite_days=None)
    second = reported(sessions, settings, clock, chat, cctv_status="none", overwrite_days=None)
    assert "Which report" in chat.say("https://www.dropbox.com/s/xyz/clip.mp4")
    assert "added 1 link" in chat.say(second.reference.lower().replace("-", " "))
    assert kept(sessions, second.report_id) != [] and kept(sessions, first.report_id) == []


def test_picking_by_number_on_sms(engine, sessions, settings, clock):
    sms = Chat(engine, channel="sms", address="+447700900400")
    first = reported(sessions, settings, clock, sms, cctv_status="none", overwrite_days=None)
    clock.advance(hours=1)
    reported(sessions, settings, clock, sms, cctv_status="none", overwrite_days=None)
    assert "Which report" in sms.say("can I add photos to a report")
    assert sms.buttons[1].startswith(first.reference)  # shown as "2. BW-..." on SMS
    assert first.reference in sms.say("2")


def test_by_reference(chat, sessions, settings, clock):
    made = reported(sessions, settings, clock, chat, cctv_status="none", overwrite_days=None)
    reported(sessions, settings, clock, chat, cctv_status="none", overwrite_days=None)
    reply = chat.say(f"add evidence to {made.reference} https://youtu.be/abc123")
    assert "added 1 link" in reply and made.reference in reply


def test_someone_else_s_reference_is_refused(engine, chat, sessions, settings, clock):
    stranger = Chat(engine, channel="web", address="someone-else")
    theirs = reported(sessions, settings, clock, stranger)
    reported(sessions, settings, clock, chat)
    reply = chat.say(f"add evidence to {theirs.reference} https://www.dropbox.com/s/xyz/clip.mp4")
    assert f"can't find a report {theirs.reference} made from this chat" in reply
    assert kept(sessions, theirs.report_id) == [] and cctv_status(sessions, theirs.report_id) == "pending"
    mistyped = theirs.reference[:-1] + ("2" if theirs.reference[-1] != "2" else "3")
    assert "mistyped" in chat.say(f"add evidence to {mistyped}")


def test_nothing_to_add_to(engine, sessions):
    newcomer = Chat(engine, channel="web", address="newcomer")
    assert "can't find any open reports" in newcomer.say("i have the cctv footage")
    # A link from someone who has never reported is not taken as evidence.
    assert "added" not in newcomer.say("is this a scam? https://paypa1-secure.example.net/login")


# --- an upload link, or no footage ------------------------------------------------------------------------------------
def test_send_me_an_upload_link(chat, sessions, settings, clock):
    from bot.evidence.upload_links import Opened, open_link

    made = reported(sessions, settings, clock, chat)
    reply = chat.say("can u send me the uplaod link pls")
    assert made.reference in reply and "/upload/" in reply and "works once" in reply
    token = reply.split("/upload/", 1)[1].split()[0]
    with sessions() as session:
        assert isinstance(open_link(session, settings, token, clock.now), Opened)


def test_replying_no_footage_to_a_reminder_stops_them_with_the_reason(engine, sessions, settings, clock):
    sms = Chat(engine, channel="sms", address="+447700900500")
    made = reported(sessions, settings, clock, sms)
    reply = sms.say("no footage")
    assert "won't remind you again" in reply and made.reference in reply
    assert cctv_status(sessions, made.report_id) == "declined"
    assert cctv_history(sessions, made.report_id)[-1] == ("declined", "no footage")
    assert reminders_left(sessions, made.report_id) == 0


def test_recorded_over_and_rather_not_are_told_apart(engine, sessions, settings, clock):
    one = Chat(engine, channel="sms", address="+447700900501")
    two = Chat(engine, channel="sms", address="+447700900502")
    lost = reported(sessions, settings, clock, one)
    kept_back = reported(sessions, settings, clock, two)
    assert "recorded over" in one.say("sorry its been recorded over already")
    assert "rather not share" in two.say("I'd rather not send the cctv tbh")
    assert cctv_history(sessions, lost.report_id)[-1] == ("overwritten", "recorded over (the reporter said)")
    assert cctv_history(sessions, kept_back.report_id)[-1] == ("declined", "rather not share it")


def test_no_footage_asked_in_the_flow_takes_a_plain_no(chat, sessions, settings, clock):
    made = reported(sessions, settings, clock, chat)
    assert "What would you like to add" in chat.say("add evidence")
    assert "There's no footage" in chat.buttons
    assert "won't remind you" in chat.say("no")
    assert cctv_status(sessions, made.report_id) == "declined"


def test_no_footage_from_someone_we_are_not_chasing_is_not_taken_as_a_reply(engine, sessions, settings, clock):
    chat = Chat(engine, channel="web", address="no-pending")
    made = reported(sessions, settings, clock, chat, cctv_status="none", overwrite_days=None)
    chat.say("we don't have cctv, should we get some?")
    assert cctv_history(sessions, made.report_id) == []
