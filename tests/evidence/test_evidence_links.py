"""Evidence links: https to a public host only (the service never fetches them, but a link to a shop's
router or to this machine is no evidence), refused with a reason the user can act on."""

from __future__ import annotations

import pytest

from bot.evidence.links import BadLink, check_link
from dialog import PLACE, verify_dialog


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
])
def test_public_secure_links_are_kept_exactly_as_given(url, provider):
    assert check_link(url) == (url, provider)


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
