"""UK entity extractors on the kind of text shop owners actually send."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.extractors.contacts import MAX_PHONE_CANDIDATES
from nlu.extractors.text import MAX_TEXT_CHARS
from nlu.extractors import (
    Span, extract_entities, find_crime_types, find_datetimes, find_emails, find_money, find_phone_numbers,
    find_postcodes, find_references, find_urls, find_vehicle_registrations, normalise_email, normalise_phone,
    normalise_postcode, normalise_vehicle_registration, parse_when,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 11, 27, 16, 0, tzinfo=LONDON)  # a Wednesday afternoon, GMT
VALID_REF = "BW-7K3M-Q9X3"


def values(spans: list[Span]) -> list:
    return [s.value for s in spans]


# --- money -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("£2k", 2000.0), ("350 quid", 350.0), ("£1,250.50", 1250.5), ("two hundred pounds", 200.0),
    ("80 pounds", 80.0), ("£80", 80.0), ("a tenner", 10.0), ("50p", 0.5), ("they took about 2 grand", 2000.0),
    ("two hundred and fifty quid", 250.0), ("a couple of hundred quid", 200.0), ("£ 40", 40.0),
    ("GBP 75", 75.0), ("£12.50 worth of sweets", 12.5), ("£2.5 million", 2_500_000.0), ("a fiver", 5.0),
    ("twenty-five pounds", 25.0), ("3 x £20 notes", 20.0), ("cost us 1.5k", None),
])
def test_money_values(text, expected):
    found = find_money(text)
    if expected is None:
        assert found == []
    else:
        assert values(found) == [expected]


@pytest.mark.parametrize("text", ["pump 4", "2 lads", "at 3pm", "about 3p", "room 101", "07700 900123"])
def test_no_money_without_a_cue(text):
    assert find_money(text) == []


def test_money_span_points_into_the_original_text():
    text = "nicked stuff worth £80 🙄"
    [span] = find_money(text)
    assert text[span.start:span.end] == "£80" == span.text
    assert span.to_rasa() == {"entity": "money", "value": 80.0, "start": span.start, "end": span.end,
                              "confidence_entity": 1.0, "extractor": "BizwatchMoneyExtractor",
                              "additional_info": {"currency": "GBP"}}


# --- dates and times ---------------------------------------------------------------------
def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize("text, expected, has_time", [
    ("last night", at(2024, 11, 26, 22, 0), False),  # parts of the day are windows: see below
    ("this morning", at(2024, 11, 27, 6, 0), False),
    ("this afternoon", at(2024, 11, 27, 12, 0), False),
    ("earlier today", at(2024, 11, 27, 0, 0), False),
    ("yesterday about 3pm", at(2024, 11, 26, 15, 0), True),
    ("Saturday 14:30", at(2024, 11, 23, 14, 30), True),
    ("saturday 2:30pm", at(2024, 11, 23, 14, 30), True),
    ("21/11 at 3", at(2024, 11, 21, 15, 0), True),
    ("2 hours ago", at(2024, 11, 27, 14, 0), True),
    ("an hour ago", at(2024, 11, 27, 15, 0), True),
    ("just now", NOW, True),
    ("tonight", at(2024, 11, 27, 22, 0), False),
    ("3pm", at(2024, 11, 27, 15, 0), True),
    ("5pm", at(2024, 11, 26, 17, 0), True),  # 5pm today has not happened yet
    ("3/4", at(2024, 4, 3, 0, 0), False),  # day first
    ("12/11", at(2024, 11, 12, 0, 0), False),
    ("28/11", at(2023, 11, 28, 0, 0), False),  # past preferred
    ("yesterday", at(2024, 11, 26, 0, 0), False),
    ("yday 3ish", at(2024, 11, 26, 15, 0), True),
    ("on sat about 4", at(2024, 11, 23, 16, 0), True),
    ("21st of November at 10am", at(2024, 11, 21, 10, 0), True),
    ("last tuesday afternoon", at(2024, 11, 26, 12, 0), False),
    ("half 3 yesterday", at(2024, 11, 26, 15, 30), True),
    ("3 days ago", at(2024, 11, 24, 0, 0), False),
    ("2 weeks ago", at(2024, 11, 13, 0, 0), False),
    ("last night at 2", at(2024, 11, 27, 2, 0), True),
    ("at 1430hrs", at(2024, 11, 27, 14, 30), True),
    ("wednesday 5pm", at(2024, 11, 20, 17, 0), True),  # today's 5pm is still to come
    ("21.11.24", at(2024, 11, 21, 0, 0), False),
])
def test_parse_when(text, expected, has_time):
    when = parse_when(text, NOW)
    assert when is not None, text
    assert (when.value, when.has_time) == (expected, has_time)
    assert when.value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["around 3 lads came in", "cost 12.50", "£80", "1-2 lads", "pump 4",
                                  "he sat outside", "hello", ""])
def test_no_datetime(text):
    assert parse_when(text, NOW) is None


def test_span_covers_the_whole_mention_in_a_sentence():
    text = "Two lads nicked vodka yesterday about 3pm from the shop"
    when = parse_when(text, NOW)
    assert text[when.start:when.end] == "yesterday about 3pm"


def test_day_and_time_beats_day_alone():
    when = parse_when("reporting today what happened saturday 2:30pm", NOW)
    assert when.value == at(2024, 11, 23, 14, 30)


def test_future_is_returned_for_the_caller_to_reject():
    when = parse_when("tomorrow 9am 01/12/2024", NOW)
    assert when.value > NOW


@pytest.mark.parametrize("text, expected, has_time", [
    ("tomorrow at 3pm", at(2024, 11, 28, 15, 0), True),
    ("tmrw", at(2024, 11, 28, 0, 0), False),
    ("tomorrow morning", at(2024, 11, 28, 6, 0), False),
    ("in 2 hours", at(2024, 11, 27, 18, 0), True),
])
def test_future_mentions_are_resolved_not_mistaken_for_today(text, expected, has_time):
    when = parse_when(text, NOW)
    assert (when.value, when.has_time) == (expected, has_time)


def test_british_summer_time_offset():
    summer_now = datetime(2024, 7, 10, 12, 0, tzinfo=LONDON)
    when = parse_when("yesterday about 3pm", summer_now)
    assert when.value.isoformat() == "2024-07-09T15:00:00+01:00"


def test_clock_change_day_hours_ago_is_real_elapsed_time():
    # 31 March 2024: clocks went forward at 01:00 GMT. Two real hours before 03:30 BST is 00:30 GMT.
    now = datetime(2024, 3, 31, 3, 30, tzinfo=LONDON)
    when = parse_when("2 hours ago", now)
    assert when.value.isoformat() == "2024-03-31T00:30:00+00:00"


def test_naive_and_foreign_now_are_converted():
    utc_now = datetime(2024, 7, 10, 11, 0, tzinfo=ZoneInfo("UTC"))  # 12:00 BST
    assert parse_when("this morning", utc_now).value.isoformat() == "2024-07-10T06:00:00+01:00"
    assert parse_when("this morning", datetime(2024, 7, 10, 12, 0)).value.hour == 6


@pytest.mark.parametrize("text, now, start, until", [
    # "this morning" is 06:00-12:00, and never reaches past the moment it is said
    ("this morning", at(2024, 11, 27, 8, 0), at(2024, 11, 27, 6, 0), at(2024, 11, 27, 8, 0)),
    ("this morning", at(2024, 11, 27, 10, 0), at(2024, 11, 27, 6, 0), at(2024, 11, 27, 10, 0)),
    ("erly this mornin", at(2024, 11, 27, 10, 0), at(2024, 11, 27, 6, 0), at(2024, 11, 27, 10, 0)),  # misspelt
    ("THIS MORNING", at(2024, 11, 27, 13, 0), at(2024, 11, 27, 6, 0), at(2024, 11, 27, 12, 0)),
    ("this morning", at(2024, 11, 27, 5, 0), at(2024, 11, 27, 0, 0), at(2024, 11, 27, 5, 0)),  # the small hours
    # "last night" is yesterday 22:00 to today 06:00, across midnight
    ("last night", at(2024, 11, 28, 0, 30), at(2024, 11, 27, 22, 0), at(2024, 11, 28, 0, 30)),
    ("last night", at(2024, 11, 27, 23, 0), at(2024, 11, 26, 22, 0), at(2024, 11, 27, 6, 0)),
    ("lastnight", at(2024, 11, 27, 9, 0), at(2024, 11, 26, 22, 0), at(2024, 11, 27, 6, 0)),
    ("yesterday lunchtime", NOW, at(2024, 11, 26, 12, 0), at(2024, 11, 26, 14, 0)),
    ("this afternoon", NOW, at(2024, 11, 27, 12, 0), NOW),
    ("dis evening", at(2024, 11, 27, 23, 0), at(2024, 11, 27, 18, 0), at(2024, 11, 27, 22, 0)),
    ("this evening", at(2024, 11, 28, 2, 0), at(2024, 11, 27, 18, 0), at(2024, 11, 27, 22, 0)),
    ("yday teatime", NOW, at(2024, 11, 26, 16, 0), at(2024, 11, 26, 18, 0)),
    ("saturday night", NOW, at(2024, 11, 23, 22, 0), at(2024, 11, 24, 6, 0)),
    ("wednesday night", NOW, at(2024, 11, 20, 22, 0), at(2024, 11, 21, 6, 0)),  # today's is still to come
    ("in the early hours", NOW, at(2024, 11, 27, 0, 0), at(2024, 11, 27, 6, 0)),
    ("early hours of saturday", NOW, at(2024, 11, 23, 0, 0), at(2024, 11, 23, 6, 0)),
    ("tonight", at(2024, 11, 27, 23, 30), at(2024, 11, 27, 22, 0), at(2024, 11, 27, 23, 30)),
    # said alone, today's part of the day, or yesterday's when today's has not begun
    ("at lunchtime", NOW, at(2024, 11, 27, 12, 0), at(2024, 11, 27, 14, 0)),
    ("lunchtime", at(2024, 11, 27, 10, 0), at(2024, 11, 26, 12, 0), at(2024, 11, 26, 14, 0)),
    ("this arvo", NOW, at(2024, 11, 27, 12, 0), NOW),
    ("today morning", NOW, at(2024, 11, 27, 6, 0), at(2024, 11, 27, 12, 0)),
    ("overnight", NOW, at(2024, 11, 26, 22, 0), at(2024, 11, 27, 6, 0)),
    # whole days: last week Monday to Sunday, the latest weekend, last month
    ("sometime last week", NOW, at(2024, 11, 18, 0, 0), at(2024, 11, 25, 0, 0)),
    ("over the weekend", NOW, at(2024, 11, 23, 0, 0), at(2024, 11, 25, 0, 0)),
    ("last month", NOW, at(2024, 10, 1, 0, 0), at(2024, 11, 1, 0, 0)),
])
def test_parts_of_the_day_are_windows(text, now, start, until):
    when = parse_when(text, now)
    if start is None:
        assert when is None
        return
    assert (when.value, when.until, when.has_time) == (start, until, False)
    assert when.value <= now or text == "tonight"


@pytest.mark.parametrize("text, expected", [
    ("this morning at 7", at(2024, 11, 27, 7, 0)),
    ("last night about 11", at(2024, 11, 26, 23, 0)),
    ("last night at 2", at(2024, 11, 27, 2, 0)),
    ("yesterday afternoon at half 3", at(2024, 11, 26, 15, 30)),
    ("early hours of saturday about 3", at(2024, 11, 23, 3, 0)),
])
def test_a_time_with_a_part_of_the_day_is_exact(text, expected):
    when = parse_when(text, NOW)
    assert (when.value, when.until, when.has_time) == (expected, None, True)


def test_a_window_in_rasa_shape_says_it_has_no_time_and_when_it_ends():
    [span] = find_datetimes("lad nicked vodka this morning", at(2024, 11, 27, 8, 10))
    assert span.to_rasa()["additional_info"] == {"has_time": False, "until": "2024-11-27T08:10:00+00:00"}
    assert span.value == "2024-11-27T06:00:00+00:00" and span.text == "this morning"


def test_find_datetimes_iso_values_and_has_time():
    spans = find_datetimes("happened 21/11 at 3 and again yesterday", NOW)
    assert [(s.value, s.extra["has_time"]) for s in spans] == [
        ("2024-11-21T15:00:00+00:00", True), ("2024-11-26T00:00:00+00:00", False)]


# --- postcodes ---------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("ws11ql", "WS1 1QL"), ("WS1 1QL", "WS1 1QL"), (" b1 1aa ", "B1 1AA"), ("SW1A 1AA", "SW1A 1AA"),
    ("EC1A1BB", "EC1A 1BB"), ("st16 2dg", "ST16 2DG"), ("ME14 1XX", "ME14 1XX"), ("gir0aa", "GIR 0AA"),
    ("M1 1AE", "M1 1AE"), ("CR2 6XH", "CR2 6XH"), ("DN55 1PT", "DN55 1PT"),
    ("hello", None), ("WS1", None), ("QQ1 1AA", None), ("WS1 1QLL", None), ("12345", None), ("", None),
    ("AB12 CDE", None),
])
def test_normalise_postcode(raw, expected):
    assert normalise_postcode(raw) == expected


def test_find_postcodes_in_text():
    text = "shop is at 12 High St, Walsall ws1 1ql, other branch B1 1AA."
    assert values(find_postcodes(text)) == ["WS1 1QL", "B1 1AA"]
    assert find_postcodes("reg AB12 CDE and pump 4") == []


# --- phones, emails, links -----------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("07700 900123", "+447700900123"), ("+44 7700 900123", "+447700900123"), ("0121 496 0000", "+441214960000"),
    ("020 7946 0018", "+442079460018"), ("(0121) 4960000", "+441214960000"), ("07911 123456", "+447911123456"),
    ("999", None), ("101", None), ("12345", None), ("not a number", None), ("", None),
])
def test_normalise_phone(raw, expected):
    assert normalise_phone(raw) == expected


def test_find_phone_numbers_in_text():
    text = "call me on 07700 900123 or the shop 0121 496 0000, not 999"
    assert values(find_phone_numbers(text)) == ["+447700900123", "+441214960000"]
    assert find_phone_numbers("£1,250.50 on 21/11/2024 at 14:30") == []


@pytest.mark.parametrize("raw, expected", [
    ("Bob.Smith@Example.CO.UK", "Bob.Smith@example.co.uk"), (" shop@corner-shop.com ", "shop@corner-shop.com"),
    ("mailto:a@b.uk", "a@b.uk"), ("no at sign", None), ("a@b", None), ("@example.com", None), ("a..b@x.com", None),
])
def test_normalise_email(raw, expected):
    assert normalise_email(raw) == expected


def test_find_emails():
    spans = find_emails("email me: Manager@ShopName.co.uk. thanks")
    assert [(s.value, s.text) for s in spans] == [("Manager@shopname.co.uk", "Manager@ShopName.co.uk")]


def test_find_urls_trims_sentence_punctuation():
    text = "cctv is here (https://cctv.example.com/clip?id=3&t=1). also http://x.co.uk/a_(b)!"
    spans = find_urls(text)
    assert values(spans) == ["https://cctv.example.com/clip?id=3&t=1", "http://x.co.uk/a_(b)"]
    assert [s.extra["scheme"] for s in spans] == ["https", "http"]
    assert find_urls("https:// nothing") == []


# --- vehicle registrations ---------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("ab12cde", "AB12 CDE"), ("AB12 CDE", "AB12 CDE"), ("kx68-uyt", "KX68 UYT"), ("a123bcd", "A123 BCD"),
    ("ABC 123D", "ABC 123D"), ("abc123", "ABC 123"), ("1234ab", "1234 AB"), ("hello", None), ("12345678", None),
    ("", None),
])
def test_normalise_vehicle_registration(raw, expected):
    assert normalise_vehicle_registration(raw) == expected


@pytest.mark.parametrize("text, expected", [
    ("silver astra reg ab12 cde drove off", ["AB12 CDE"]),
    ("it was a BMW KX68UYT", ["KX68 UYT"]),
    ("old van Y123 ABC", ["Y123 ABC"]),
    ("red car R 123 ABC", ["R123 ABC"]),
    ("van reg abc 123", ["ABC 123"]),
    ("the M6 was shut and the A38 and M5", []),
    ("shop at WS1 1QL", []),
    ("pump 4 at 3pm, 2 lads", []),
    ("van reg 2 lads", []),
])
def test_find_vehicle_registrations(text, expected):
    assert values(find_vehicle_registrations(text)) == expected


# --- crime types -------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("someone nicked 3 bottles of vodka", "shop_theft"),
    ("we've had shoplifting all week", "shop_theft"),
    ("white van did a runner from pump 4", "making_off_without_payment"),
    ("another drive-off this morning", "making_off_without_payment"),
    ("customer bilking on a taxi fare", "making_off_without_payment"),
    ("they smashed the window", "criminal_damage"),
    ("graffiti all over the shutters", "criminal_damage"),
    ("there was a break-in overnight", "burglary"),
    ("somebody broke in and stole the till", "burglary"),
    ("I got mugged taking the takings to the bank", "robbery"),
    ("we were held up at knifepoint", "robbery"),
    ("my staff member was assaulted", "violence_against_staff"),
    ("a customer spat at my cashier", "violence_against_staff"),
    ("verbally abused by a drunk", "violence_against_staff"),
    ("we fell for an invoice scam", "fraud"),
    ("someone paid with a counterfeit note", "fraud"),
    ("ransomware locked all our files", "cyber_crime"),
    ("our email was HACKED", "cyber_crime"),
    ("clicked a phishing link", "cyber_crime"),
])
def test_find_crime_types(text, expected):
    assert expected in values(find_crime_types(text))


def test_generic_theft_word_gives_way_to_the_specific_crime():
    assert values(find_crime_types("broke in overnight and stole the till")) == ["burglary"]
    assert values(find_crime_types("nicked stuff and assaulted my staff")) == ["shop_theft", "violence_against_staff"]


def test_no_crime_type_in_small_talk():
    assert find_crime_types("hi there, how do I sign up for alerts?") == []


# --- references --------------------------------------------------------------------------
def test_find_references_checks_the_check_character():
    assert values(find_references(f"any news on {VALID_REF.lower()}?")) == [VALID_REF]
    assert values(find_references("my ref is bw 7k3m q9x3")) == [VALID_REF]
    assert find_references("BW-7K3M-Q9X4") == []


# --- all together ------------------------------------------------------------------------
def test_extract_entities_real_message():
    text = ("2 lads nicked £80 of vodka yesterday about 3pm, drove off in ab12 cde. "
            "Shop is WS1 1QL, call 07700 900123, cctv https://cctv.example.com/v/1 ref " + VALID_REF)
    found = {(s.entity, s.value) for s in extract_entities(text, NOW)}
    assert found == {
        ("crime_type", "shop_theft"), ("money", 80.0), ("datetime", "2024-11-26T15:00:00+00:00"),
        ("vehicle_registration", "AB12 CDE"), ("postcode", "WS1 1QL"), ("phone_number", "+447700900123"),
        ("url", "https://cctv.example.com/v/1"), ("reference", VALID_REF),
    }


def test_extract_entities_spans_do_not_overlap_and_point_into_text():
    text = "£80 at 14:30 on 21/11/2024 from WS1 1QL by AB12 CDE email a@b.co.uk https://a.b/c@d"
    spans = extract_entities(text, NOW)
    for first, second in zip(spans, spans[1:]):
        assert first.end <= second.start
    for span in spans:
        assert text[span.start:span.end] == span.text


MESSY = [
    "😡😡 someone NICKED £80 of stuff 🍾🍾 yday 3ish!!!",
    "drive\x00off\x07 at pump\t4 \u200bab12cde",
    "£" * 5000,
    "9" * 5000,
    "a" * 5000,
    "ab12 " * 1000,
    "@" * 2500 + "a" * 2500,
    "http://" + "a." * 2500,
    "[" * 5000,
    "1/" * 2500,
    "at 3 " * 1000,
    "x@" * 2500,
    "W" * 4999 + "1",
    ("nicked " * 700)[:5000],
    "a." * 2000 + "@b",
]


@pytest.mark.parametrize("text", MESSY, ids=range(len(MESSY)))
def test_messy_and_long_input_is_safe(text):
    # How fast is measured by benchmarks/nlu_benchmark.py, not here.
    spans = extract_entities(text, NOW)
    for span in spans:
        assert 0 <= span.start < span.end <= min(len(text), MAX_TEXT_CHARS)


def kilobytes(unit: str, size: int = 64 * 1024) -> str:
    return unit * (size // len(unit.encode()))


@pytest.mark.parametrize("unit, entity, value", [
    ("AB12 CDE ", "vehicle_registration", "AB12 CDE"),
    ("21/11/2024 ", "datetime", "2024-11-21T00:00:00+00:00"),
    ("21st of November ", "datetime", "2024-11-21T00:00:00+00:00"),
    ("2 weeks ago ", "datetime", "2024-11-13T00:00:00+00:00"),
    ("£80 ", "money", 80.0),
    ("WS1 1QL ", "postcode", "WS1 1QL"),
    ("call 07700 900123. ", "phone_number", "+447700900123"),
    ("a@b.co.uk ", "email", "a@b.co.uk"),
    ("https://a.b/c ", "url", "https://a.b/c"),
    ("nicked ", "crime_type", "shop_theft"),
])
def test_64_kb_of_one_thing_gives_that_thing_from_the_first_part_only(unit, entity, value):
    text = kilobytes(unit)
    spans = extract_entities(text, NOW)
    assert spans and {(s.entity, s.value) for s in spans if s.entity == entity} == {(entity, value)}
    assert max(s.end for s in spans) <= MAX_TEXT_CHARS
    assert len(spans) <= MAX_TEXT_CHARS // len(unit.strip()) + 1


@pytest.mark.parametrize("text", [kilobytes("9"), kilobytes("a"), kilobytes("\U0001F621"), kilobytes("at 3 "),
                                  kilobytes("1/"), kilobytes("[")])
def test_64_kb_of_noise_is_read_as_far_as_the_cap(text):
    for span in extract_entities(text, NOW):
        assert span.end <= MAX_TEXT_CHARS and text[span.start:span.end] == span.text


def test_a_paste_of_hundreds_of_phone_numbers_stops_at_a_handful():
    assert len(find_phone_numbers(kilobytes("call 07700 900123. "))) == MAX_PHONE_CANDIDATES
    assert find_phone_numbers(kilobytes("07700 900123 ")) == []  # one run of digits: no number made up


def test_entities_past_the_cap_are_not_looked_for():
    story = "so anyway " * (MAX_TEXT_CHARS // 10)
    assert find_money(story + " they took £80") == []
    assert [s.value for s in find_money("they took £80 " + story)] == [80.0]
    cut = "x" * (MAX_TEXT_CHARS - 10) + " 07700 900123"  # a number across the cap is not read in part
    assert find_phone_numbers(cut) == []


def test_dates_need_no_date_library(monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "dateparser", raising=False)
    text = "21st of November, nov 3rd 2023, 2 weeks ago, a fortnight ago, last month, 3 months ago"
    assert [s.value for s in find_datetimes(text, NOW)] == [
        "2024-11-21T00:00:00+00:00", "2023-11-03T00:00:00+00:00", "2024-11-13T00:00:00+00:00",
        "2024-11-13T00:00:00+00:00", "2024-10-01T00:00:00+01:00", "2024-08-01T00:00:00+01:00"]
    assert "dateparser" not in sys.modules


def test_control_characters_do_not_break_matching():
    spans = extract_entities("drive\x00off at pump 4 \u200bab12cde", NOW)
    assert ("vehicle_registration", "AB12 CDE") in {(s.entity, s.value) for s in spans}
