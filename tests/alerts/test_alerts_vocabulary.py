"""The topics, sectors and areas subscriptions and campaigns share: defined once, read from people's words."""

from __future__ import annotations

import pytest

from bot import crime_types
from bot.advice.vocabulary import SECTORS as ADVICE_SECTORS
from bot.advice.gsm7 import is_gsm7
from bot.campaigns import vocabulary as v


def test_topics_are_the_eight_crime_types_then_seasonal_and_general_advice():
    assert v.TOPIC_CODES == (*crime_types.CODES, "seasonal", "general")
    assert v.TOPICS["making_off_without_payment"] == "Drive-offs and walk-outs"
    assert all(is_gsm7(label) for label in v.TOPICS.values())


def test_sectors_are_the_advice_sectors_and_other():
    assert v.SECTOR_CODES == (*(s for s in ADVICE_SECTORS if s != "all"), "other")
    assert v.SECTORS["licensed"] == "Licensed premises" and v.SECTORS["rural"] == "Farm and rural"


@pytest.mark.parametrize("words, codes", [
    ("shoplifting and drive offs", ["shop_theft", "making_off_without_payment"]),
    ("Violence and abuse to staff", ["violence_against_staff"]),
    ("break ins, robbery pls", ["burglary", "robbery"]),
    ("fraud, cyber", ["fraud", "cyber_crime"]),
    ("xmas", ["seasonal"]),
    ("all of them", list(v.TOPIC_CODES)),
    ("the weather", []),
])
def test_topics_in_peoples_words(words, codes):
    assert v.topics_in(words) == codes


def test_strict_topics_take_codes_and_labels_and_name_the_unknown_one():
    assert v.topic_codes(["fraud", "Shop theft", "general"]) == ["shop_theft", "fraud", "general"]
    assert v.topic_codes(["all"]) == list(v.TOPIC_CODES)
    with pytest.raises(v.UnknownWord) as problem:
        v.topic_codes(["fraud", "shoplifitng"])
    assert problem.value.word == "shoplifitng" and problem.value.kind == "topic"


@pytest.mark.parametrize("typed, district", [("WS1", "WS1"), ("ws1", "WS1"), ("WS1 1QL", "WS1"), ("ws11ql", "WS1"),
                                             ("B11", "B11"), ("EC1A", "EC1A"), ("W1A 1AA", "W1A"), ("XX", None),
                                             ("WS", None), ("12", None)])
def test_a_full_postcode_is_reduced_to_its_district(typed, district):
    assert v.district(typed) == district


@pytest.mark.parametrize("words, codes, unknown", [
    ("WS1 and WS2", ["WS1", "WS2"], []),
    ("my shop is WS1 1QL", ["WS1"], []),
    ("stoke or maidstone", ["stoke-on-trent", "maidstone"], []),
    ("brum city centre, B1", ["birmingham-city-centre", "B1"], []),
    ("anywhere", ["all"], []),
    ("WS1 and Narnia", ["WS1"], ["Narnia"]),
])
def test_areas_in_peoples_words(words, codes, unknown):
    assert v.areas_in(words) == (codes, unknown)


def test_strict_areas_take_districts_postcodes_and_named_areas():
    assert v.area_codes(["WS1 1QL", "walsall", "Stoke-on-Trent", "ws1"]) == ["WS1", "walsall", "stoke-on-trent"]
    assert v.area_codes(["WS1", "anywhere"]) == ["all"]
    with pytest.raises(v.UnknownWord):
        v.area_codes(["Atlantis"])


def test_a_campaign_to_a_district_reaches_the_named_areas_holding_it_and_the_reverse():
    assert v.reaching(["WS1"]) == {"WS1", "walsall", "all"}
    assert {"walsall", "WS1", "WS3", "all"} <= v.reaching(["walsall"])
    assert "stoke-on-trent" not in v.reaching(["walsall"])
    assert v.reaching([]) is None and v.reaching(["all", "WS1"]) is None


def test_the_shipped_named_areas_are_districts_with_names_that_read_back():
    assert v.NAMED_AREAS, "advice_content/areas.yml lists no areas"
    for area in v.NAMED_AREAS.values():
        assert all(v.district(d) == d for d in area.districts)
        assert v.area_code(area.name) == area.code and v.area_label(area.code) == area.name
        assert is_gsm7(area.name)


@pytest.mark.parametrize("text", [
    "areas:\n  - {code: walsall, name: Walsall, districts: [WS1, Narnia]}\n",
    "areas:\n  - {code: aa, name: A, districts: [WS1]}\n  - {code: aa, name: B, districts: [WS2]}\n",
    "areas:\n  - {code: all, name: Everywhere, districts: [WS1]}\n",
])
def test_a_mistake_in_the_areas_file_is_refused(text):
    with pytest.raises(ValueError):
        v.load_named_areas(text)
