"""The alert questions: how to get them, the phone, topics, area, business, how many a week, the
check before signing up, and how long a pause lasts.

Options can be tapped, typed or (by SMS) picked by number, several at once ("2 5 8"). Topics can be
picked one tap at a time: each tap adds one and the list is offered again with "Done".
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.campaigns.subscriptions import MAX_PER_WEEK, uk_mobile
from bot.campaigns.vocabulary import (
    ANYWHERE, ANYWHERE_LABEL, NAMED_AREAS, SECTORS, TOPIC_CODES, TOPICS, UnknownWord, area_codes, areas_in,
    district, sector_code, topic_label, topics_in,
)
from bot.flows.advice import sector_in
from bot.flows.alerts.common import AlertsState, Purpose, picked, where_to
from bot.flows.alerts.pause import local_start, pause_end
from bot.flows.alerts.texts import confirm_text, day
from bot.flows.answers import is_done, is_skip, is_unknown, normalise, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Awaiting, Prompt, Question, mark_answered
from bot.messages import Button
from nlu.extractors import find_phone_numbers
from nlu.extractors.numbers import words_to_number

MAX_AREAS = 10
ALL_TOPICS = "all topics"
HERE_WORDS = re.compile(r"\b(here|this chat|in (?:the |this )?chat|telegram|whatsapp|web|online|this app|messages?"
                        r"|this way|this one)\b")
TEXT_WORDS = re.compile(r"\b(texts?|txt|sms|mobile|phone|by text|text message|this number|my number)\b")


def signing_up(turn: Turn, state: AlertsState) -> bool:
    return state.purpose is Purpose.SIGN_UP


def choosing(turn: Turn, state: AlertsState) -> bool:
    return state.purpose in (Purpose.SIGN_UP, Purpose.CHANGE)


# --- how alerts reach them ----------------------------------------------------------------------------
def _here_label(turn: Turn) -> str:
    return {"telegram": "Here on Telegram", "whatsapp": "Here on WhatsApp"}.get(turn.inbound.channel,
                                                                               "Here in this chat")


def ask_channel(turn: Turn, state: AlertsState) -> Prompt:
    return Prompt("How would you like to get alerts?",
                  (Button(_here_label(turn), "here"), Button("By text message", "by text")))


def answer_channel(turn: Turn, state: AlertsState, text: str) -> Answer:
    phones = [span.value for span in find_phone_numbers(text)]
    words = normalise(text)
    if phones:
        return answer_phone(turn, state, text)
    if TEXT_WORDS.search(words):
        state.channel = "sms"
        state.address = turn.inbound.address if turn.inbound.channel == "sms" else None
        return None
    if HERE_WORDS.search(words) or yes_no(text) is True:
        state.channel, state.address = turn.inbound.channel, turn.inbound.address
        return None
    raise Invalid("Sorry, I didn't follow. Say 'here' to get them in this chat, or 'by text' for text messages.")


def needs_phone(turn: Turn, state: AlertsState) -> bool:
    return signing_up(turn, state) and state.channel == "sms" and state.address is None


def ask_phone(turn: Turn, state: AlertsState) -> Prompt:
    return Prompt("Which mobile number should the alerts go to? For example 07700 900123.")


def answer_phone(turn: Turn, state: AlertsState, text: str) -> Answer:
    found = uk_mobile(text) or next((uk_mobile(span.value) for span in find_phone_numbers(text)
                                     if uk_mobile(span.value)), None)
    if found is None:
        raise Invalid("That doesn't look like a UK mobile number. It should start with 07 and have 11 digits, "
                      "like 07700 900123.")
    state.channel, state.address = "sms", found
    mark_answered(turn, "channel", "phone")
    return None


# --- topics ---------------------------------------------------------------------------------------------
def ask_topics(turn: Turn, state: AlertsState) -> Prompt:
    return Prompt("What would you like alerts about? Pick one or more, or say 'all'.", topic_buttons(state))


def topic_buttons(state: AlertsState) -> tuple[Button, ...]:
    left = [Button(TOPICS[code], TOPICS[code].lower()) for code in TOPIC_CODES if code not in state.topics]
    if state.topics:
        return (Button("Done", "done"), *left)
    return (Button("All of these", ALL_TOPICS), *left)


def answer_topics(turn: Turn, state: AlertsState, text: str) -> Answer:
    if is_done(text) and state.topics:
        return None
    if is_skip(text) or is_unknown(text):
        state.topics = list(TOPIC_CODES)
        return "OK, all topics for now: you can change that later."
    chosen = picked(turn, text)
    tapped = [text] if text in turn.state.buttons else chosen
    codes = [code for words in (tapped or [text]) for code in topics_in(words)]
    if not codes:
        raise Invalid("Sorry, I didn't catch which topics. Pick from the list, say 'all', or name them, for "
                      "example 'shop theft and fraud'.")
    state.topics = [code for code in TOPIC_CODES if code in codes or code in state.topics]
    if len(tapped) == 1 and len(codes) == 1 and len(state.topics) < len(TOPIC_CODES):
        # One tap picks one topic: offer the rest, so several can be picked a tap at a time.
        turn.say(f"Added {topic_label(codes[0])}. Pick another, or say 'done'.", topic_buttons(state))
        return Awaiting("")
    return None


def clear_topics(state: AlertsState) -> None:
    state.topics = []


# --- area ---------------------------------------------------------------------------------------------
def ask_area(turn: Turn, state: AlertsState) -> Prompt:
    buttons = []
    own_district = district(turn.contact.business_postcode or "")
    if own_district:
        buttons.append(Button(f"{own_district} (your business)", own_district))
    buttons += [Button(area.name, area.code) for area in NAMED_AREAS.values()]
    buttons.append(Button(ANYWHERE_LABEL, ANYWHERE))
    return Prompt("Which area should the alerts cover? Send a postcode district such as WS1, your full postcode, "
                  "or pick a place. You can give more than one.", tuple(buttons))


def answer_area(turn: Turn, state: AlertsState, text: str) -> Answer:
    if is_skip(text) or is_unknown(text):
        raise Invalid("I need an area so the alerts are about crime near you. Your postcode will do, or say "
                      "'anywhere'.")
    chosen = picked(turn, text)
    unknown: list[str] = []
    if chosen:
        codes = area_codes(chosen)
    else:
        codes, unknown = areas_in(text)
    if unknown or not codes:
        what = f"'{unknown[0][:40]}'" if unknown else "that"
        raise Invalid(f"Sorry, I don't know {what} as an area. Send a postcode district such as WS1, a full "
                      "postcode such as WS1 1QL, or pick a place from the list.")
    if len(codes) > MAX_AREAS:
        raise Invalid(f"That's more than {MAX_AREAS} areas. Please pick up to {MAX_AREAS}, or say 'anywhere'.")
    state.areas = codes
    return None


def clear_areas(state: AlertsState) -> None:
    state.areas = []


# --- the business -----------------------------------------------------------------------------------------
def ask_sector(turn: Turn, state: AlertsState) -> Prompt:
    return Prompt("What kind of business is it? Then the advice can fit it.",
                  tuple(Button(label, code) for code, label in SECTORS.items()))


def answer_sector(turn: Turn, state: AlertsState, text: str) -> Answer:
    chosen = picked(turn, text)
    try:
        state.sector = sector_code(chosen[0] if chosen else text)
    except UnknownWord:
        said = sector_in(text)
        if said is None:
            raise Invalid("Sorry, I didn't catch that. Pick the closest one, or say 'other'.") from None
        state.sector = said
    return None


def clear_sector(state: AlertsState) -> None:
    state.sector = None


# --- how many a week --------------------------------------------------------------------------------------------
def ask_cap(turn: Turn, state: AlertsState) -> Prompt:
    default = turn.settings.alerts_default_per_week
    return Prompt(f"At most how many alerts a week would you like? Most people choose {default}.",
                  tuple(Button(f"{n} a week", f"{n} a week") for n in (1, 2, 3, 5)))


def read_cap(text: str) -> int | None:
    """"2", "two a week", "once a week", "twice", "one a day", "no limit" -> a number a week."""
    words = normalise(text)
    if re.search(r"\b(no limit|unlimited|as many as|all of them|every one|daily|a day|every day)\b", words):
        return MAX_PER_WEEK
    if re.search(r"\bonce\b", words):
        return 1
    if re.search(r"\btwice\b", words):
        return 2
    digits = re.search(r"\d{1,3}", words)
    if digits:
        return int(digits.group(0))
    for token in words.split():
        number = words_to_number(token) if token not in ("a", "an") else None
        if number is not None:
            return number
    return None


def answer_cap(turn: Turn, state: AlertsState, text: str) -> Answer:
    if is_skip(text) or is_unknown(text):
        state.max_per_week = turn.settings.alerts_default_per_week
        return f"OK, at most {state.max_per_week} a week."
    chosen = picked(turn, text)
    count = read_cap(chosen[0] if chosen else text)
    if count is None:
        raise Invalid(f"Please send a number from 1 to {MAX_PER_WEEK}, like 2.")
    if count < 1:
        raise Invalid(f"To get none, say 'stop alerts'. Otherwise pick a number from 1 to {MAX_PER_WEEK}.")
    if count > MAX_PER_WEEK:
        raise Invalid(f"The most is {MAX_PER_WEEK} a week. Please pick a number from 1 to {MAX_PER_WEEK}.")
    state.max_per_week = count
    return None


# --- the check before signing up -----------------------------------------------------------------------
CONFIRM_OPTIONS = (Button("Yes, sign me up", "yes"), Button("Change something", "change"))


def shown_for_confirming(turn: Turn, state: AlertsState) -> str:
    """The choices shown back with the consent wording: what is shown is what is recorded."""
    how = where_to(state.channel or turn.inbound.channel, state.address or turn.inbound.address, turn)
    return confirm_text(how, state.topics, state.areas, state.sector,
                        state.max_per_week or turn.settings.alerts_default_per_week)


def ask_confirm(turn: Turn, state: AlertsState) -> Prompt:
    return Prompt(shown_for_confirming(turn, state), CONFIRM_OPTIONS)


def answer_confirm(turn: Turn, state: AlertsState, text: str) -> Answer:
    if yes_no(text) is True or normalise(text) in ("sign me up", "yes sign me up", "go ahead", "confirm"):
        return None
    raise Invalid("Say 'yes' to sign up, or 'change' and the part to change (for example 'change area').")


# --- pausing ------------------------------------------------------------------------------------------------
def pausing(turn: Turn, state: AlertsState) -> bool:
    return state.purpose is Purpose.PAUSE


def ask_pause(turn: Turn, state: AlertsState) -> Prompt:
    return Prompt("How long should I pause your alerts for? For example '2 weeks' or 'until January'.",
                  (Button("1 week", "1 week"), Button("2 weeks", "2 weeks"), Button("4 weeks", "4 weeks"),
                   Button("Until I say", "until I say")))


def answer_pause(turn: Turn, state: AlertsState, text: str) -> Answer:
    chosen = picked(turn, text)
    read_pause(turn, state, chosen[0] if chosen else text)
    return None


def read_pause(turn: Turn, state: AlertsState, text: str) -> None:
    """Keep the end of the pause ``text`` asks for (raises ``Invalid`` when it says none, or too far)."""
    today = turn.local_now.date()
    end = pause_end(text, today)
    if end is None:
        raise Invalid("Sorry, I didn't catch how long. For example '2 weeks', 'until 5 January' or 'until I say'.")
    weeks = turn.settings.alerts_max_pause_weeks
    if end.day is not None and end.day > today + timedelta(weeks=weeks):
        furthest = day(local_start(today + timedelta(weeks=weeks), turn.tz), turn.tz, today)
        raise Invalid(f"I can pause them for up to {weeks} weeks (until {furthest}). Please pick a shorter time, "
                      "or say 'stop alerts' to stop them.")
    state.pause_until = local_start(end.day, turn.tz) if end.day is not None else None
    state.pause_open = end.day is None


QUESTIONS: tuple[Question[AlertsState], ...] = (
    Question("channel", ask_channel, answer_channel, "here, or by text", applies=signing_up,
             labels=("how you get them", "channel", "how", "number", "phone", "mobile"), takes_skip=True,
             follow_ups=("phone",)),
    Question("phone", ask_phone, answer_phone, "07700 900123", applies=needs_phone, takes_skip=True,
             in_menu=False),
    Question("topics", ask_topics, answer_topics, "shop theft and fraud, or all", applies=choosing,
             labels=("topics", "topic", "subjects", "crimes"), takes_skip=True, clear=clear_topics),
    Question("area", ask_area, answer_area, "WS1, or WS1 1QL, or Walsall", applies=choosing,
             labels=("area", "areas", "postcode", "district", "where", "location"), takes_skip=True,
             clear=clear_areas),
    Question("sector", ask_sector, answer_sector, "retail", applies=choosing,
             labels=("business type", "business", "sector", "type of business"), optional=True,
             skipped="OK, I'll leave that out.", clear=clear_sector),
    Question("cap", ask_cap, answer_cap, "2 a week", applies=choosing,
             labels=("how many a week", "how often", "how many", "cap", "limit", "number of alerts"),
             takes_skip=True),
    Question("confirm", ask_confirm, answer_confirm, "yes", applies=signing_up, takes_skip=True, in_menu=False),
    Question("pause", ask_pause, answer_pause, "2 weeks", applies=pausing, takes_skip=True, in_menu=False),
)
