"""Evidence links: https to a public host only (the service never fetches them, but a link to a shop's
router or to this machine is no evidence), refused with a reason the user can act on."""

from __future__ import annotations

import pytest

from sqlalchemy import select

from bot.evidence.links import BadLink, check_link
from bot.storage.models import ReportAttachment
from dialog import PLACE, verify_dialog
from evidence_support import cctv_status, sent_report


@pytest.mark.parametrize("url", [
    "http://www.dropbox.com/s/abc/clip.mp4",
    "https://priya:secret@drive.google.com/file/d/abc",
    "https://localhost/clip.mp4",
    "https://cctv.localhost/clip.mp4",
    "https://127.0.0.1/clip.mp4",
    "https://127.1/clip.mp4",
    "https://0x7f.0.0.1/clip.mp4",
    "https://2130706433/clip.mp4",
    "https://0.0.0.0/clip.mp4",
    "https://10.0.0.5/clip.mp4",
    "https://172.16.3.4/clip.mp4",
    "https://192.168.1.64:8000/doc/page/playback.asp",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/clip.mp4",
    "https://[::1]/clip.mp4",
    "https://[fe80::1]/clip.mp4",
    "https://[::ffff:10.0.0.1]/clip.mp4",
    "https://[fd00::1.2.3.4]/clip.mp4",
    "https://nvr.local/clip.mp4",
    "https://router.lan/clip.mp4",
    "https://dvr.home.arpa/clip.mp4",
    "https://files.internal/clip.mp4",
    "https://192.168.1.64./clip.mp4",
    # written so that the text is not the address the officer's browser opens
    "https://１２７.０.０.１/footage.mp4",  # fullwidth digits
    "https://①②⑦.0.0.1/",  # circled digits
    "https://１２７。０。０。１/clip.mp4",  # ideographic full stops
    "https://%31%32%37.0.0.1/clip.mp4",  # percent-encoded
    "https://ｌｏｃａｌｈｏｓｔ/clip.mp4",
    "https://LOCALHOST./clip.mp4",
    "https://nvr.ｌｏｃａｌ/clip.mp4",
    "https://１９２.１６８.１.６４/clip.mp4",
    "https://0177.0.0.1/clip.mp4",  # octal
    "https://0xA9FEA9FE/latest/meta-data/",  # 169.254.169.254 in hex
    "https://0x51.2.69.160/clip.mp4",  # a public address, but in a form nobody reads
    "https://10.0.0.256/clip.mp4",
    "https://cctv.0x/clip.mp4",
    "https://[::１]/clip.mp4",
    "https://😀.com/clip.mp4",
    "https://xn--zz.com/clip.mp4",
])
def test_links_that_are_not_secure_or_not_public_are_refused(url):
    with pytest.raises(BadLink) as refused:
        check_link(url)
    says = str(refused.value)  # what to send instead
    assert "https://" in says or "without it" in says


@pytest.mark.parametrize(("url", "provider"), [
    ("https://www.dropbox.com/s/abc123/front-window.mp4?dl=0", "dropbox"),
    ("https://drive.google.com/file/d/1AbC/view", "google_drive"),
    ("https://we.tl/t-AbC123", "wetransfer"),
    ("https://wmp.evidence.com/axon/community-request/abc", "police_portal"),
    ("https://cctv.example.com/clip/123", "other"),
    ("https://81.2.69.160/share/clip.mp4", "other"),  # a public address is somewhere anyone can reach
    ("https://münchen.de/cctv/clip.mp4", "other"),  # an international name is public like any other
    ("https://ＷＷＷ.ＤＲＯＰＢＯＸ.ＣＯＭ/s/abc/clip.mp4", "dropbox"),  # named as the browser reads it
])
def test_public_secure_links_are_kept_exactly_as_given(url, provider):
    assert check_link(url) == (url, provider)


@pytest.mark.parametrize(("url", "says"), [
    ("https://１２７.０.０.１/footage.mp4", "private or local address"),
    ("https://①②⑦.0.0.1/", "private or local address"),
    ("https://0x51.2.69.160/clip.mp4", "written in an unusual way"),
    ("https://😀.com/clip.mp4", "written in an unusual way"),
])
def test_the_refusal_says_which_problem_it_is(url, says):
    with pytest.raises(BadLink, match=says):
        check_link(url)


def test_a_link_to_this_machine_in_fullwidth_digits_is_not_an_exhibit(chat, sessions, settings, clock):
    made = sent_report(sessions, settings, sent_at=clock.now, channel=chat.channel, address=chat.address)
    reply = chat.say("got the cctv now https://１２７.０.０.１/footage.mp4")
    assert "private or local address" in reply and "added" not in reply
    assert chat.say("https://①②⑦.0.0.1/").count("private or local address") == 1
    with sessions() as session:
        assert session.scalars(select(ReportAttachment).where(ReportAttachment.report_id == made.report_id)).all() == []
    assert cctv_status(sessions, made.report_id) == "pending"


def test_the_report_s_cctv_question_refuses_a_link_to_the_shop_s_own_recorder(chat):
    verify_dialog(chat, [
        ("someone smashed our front window last night", "criminal damage"),
        ("no", "where did it happen"),
        (PLACE, "anything to add"),
        ("Found it when I opened up", "repair cost"),
        ("about £350", "describe them"),
        ("didn't see them", "cctv"),
        ("yes, face not clear, clock right, a month", "link"),
        ("https://192.168.1.64/doc/page/playback.asp", "private or local address"),
        ("https://www.dropbox.com/s/abc123/front-window.mp4?dl=0", "link saved"),
    ])
