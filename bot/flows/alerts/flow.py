"""The crime alerts conversation: sign up, see, change, pause and stop alerts, on every channel.

Signing up asks how alerts should reach them (this chat, or texts to a mobile), the topics, the
area, the business and how many a week at most, then shows the choices back with what saying yes
agrees to. By SMS a phone must confirm with YES (double opt-in) before anything is sent; every
other channel is confirmed by the conversation itself. Consent is recorded with the words shown.

Requests that need no questions (show my alerts, stop alerts, pause for 2 weeks, resume) are
answered at once and leave nothing under way, so their options are ordinary requests that work
whatever else is said next.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.campaigns import subscriptions as subs
from bot.campaigns.subscriptions import DOUBLE_OPT_IN, Choices, Status
from bot.campaigns.vocabulary import NAMED_AREAS, OTHER_SECTOR, district, topics_in
from bot.delivery.outbox import Purpose as Why, queue
from bot.flows.advice import sector_in
from bot.flows.alerts.common import AlertsState, Purpose, is_theirs, own, phone_for_people, where_to
from bot.flows.alerts.pause import pause_end
from bot.flows.alerts.questions import QUESTIONS, read_pause, shown_for_confirming
from bot.flows.alerts.requests import PAYLOADS, Request, read_request
from bot.flows.alerts.texts import day, optin_text, overview, started_text, stopped_text
from bot.flows.answers import yes_no
from bot.flows.base import Invalid, Turn, Wording
from bot.flows.questions import SWITCH_CONFIDENCE, Question, QuestionFlow, mark_answered
from bot.messages import Button, Outbound
from bot.storage.models import OutboxMessage, Subscription
from nlu.extractors import find_postcodes

# A phone gets at most this many texts asking it to confirm alerts in a day, however often someone
# types its number in a sign-up.
OPTIN_TEXTS_PER_DAY = 3
_DISTRICT_IN_OPENING = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\b")
_BY_TEXT_IN_OPENING = re.compile(r"\b(?:text|texts|txt|sms|text messages?)\b", re.IGNORECASE)
# Words of an account of an incident (who did what), which a list of topics or a date never has.
_NARRATIVE = re.compile(r"\b(?:some(?:one|body)|they|he|she|a (?:man|woman|lad|guy|bloke|girl)|lads|kids|stole|took|"
                        r"nicked|smashed|broke|ran|robbed|hit|punched|threatened|attacked|got|came|was|were|"
                        r"just|has been|have been)\b", re.IGNORECASE)
CHANGE_PARTS = {Request.CHANGE_TOPICS: "topics", Request.CHANGE_AREA: "area", Request.CHANGE_SECTOR: "sector",
                Request.CHANGE_CAP: "cap", Request.FEWER: "cap"}
CHOICES = ("topics", "area", "sector", "cap")


def _button(title: str, request: Request) -> Button:
    return Button(title, PAYLOADS[request])


class AlertsFlow(QuestionFlow[AlertsState]):
    name = "alerts"
    casual = False
    questions = QUESTIONS
    State = AlertsState
    wording = Wording(cancel_question=None, restart_question=None,
                      cancelled="OK, I've left it there: nothing about your alerts has changed.")

    def load(self, turn: Turn) -> AlertsState:
        return own(turn)

    # --- what they asked for ------------------------------------------------------------------
    def start(self, turn: Turn) -> None:
        if self._confirm_by_sms(turn):
            return
        mine = subs.of_contact(turn.session, turn.contact)
        request = read_request(turn.text, turn.intent, turn.intent_confidence, subscribed=bool(mine)) \
            or Request.SIGN_UP
        if request is Request.ANOTHER_NUMBER:
            self._begin_sign_up(turn, phone_wanted=True)
        elif request is Request.SEND_AGAIN:
            self._send_again(turn, mine)
        elif not mine:
            self._not_signed_up(turn, request)
        elif request is Request.SIGN_UP:
            self._show(turn, mine, "You already get crime alerts.")
        elif request in (Request.SHOW, Request.CHANGE):
            self._show(turn, mine, "What would you like to change?" if request is Request.CHANGE else None)
        elif request in CHANGE_PARTS:
            self._begin_change(turn, mine[0], CHANGE_PARTS[request], fewer=request is Request.FEWER)
        elif request is Request.PAUSE:
            self._pause(turn, mine)
        elif request is Request.RESUME:
            self._resume(turn, mine)
        else:
            self._stop(turn, mine)

    def _not_signed_up(self, turn: Turn, request: Request) -> None:
        if request is Request.SIGN_UP:
            self._begin_sign_up(turn)
        elif request is Request.STOP:
            turn.say("You're not signed up for any crime alerts from us, so you won't get any.")
        else:
            turn.say("You're not signed up for crime alerts yet. Would you like them? You choose the topics, the "
                     "area and how many a week.", (_button("Get crime alerts", Request.SIGN_UP),))

    # --- signing up -----------------------------------------------------------------------------
    def _begin_sign_up(self, turn: Turn, phone_wanted: bool = False) -> None:
        turn.conversation.flow = self.name
        self.reset(turn)
        state = own(turn)
        if phone_wanted:
            state.channel = "sms"
            mark_answered(turn, "channel")
        else:
            self._prefill(turn, state)
        self.ask_next(turn, state, "Let's set up your crime alerts. It takes a minute, and you can say 'back' or "
                                   "'change' at any time.")

    def _prefill(self, turn: Turn, state: AlertsState) -> None:
        """Use what the opening message (and what we know of the business) already says."""
        text = turn.text
        opening = text not in PAYLOADS.values()
        phones = [subs.uk_mobile(e["value"]) for e in turn.entities("phone_number")]
        if any(phones):
            state.channel, state.address = "sms", next(p for p in phones if p)
            mark_answered(turn, "channel", "phone")
        elif turn.inbound.channel in DOUBLE_OPT_IN:
            state.channel, state.address = turn.inbound.channel, turn.inbound.address
            mark_answered(turn, "channel")
        elif opening and _BY_TEXT_IN_OPENING.search(text):
            state.channel = "sms"  # "can you text me alerts": the number is asked next
            mark_answered(turn, "channel")
        topics = topics_in(text) if opening else []
        if topics:
            state.topics = topics
            mark_answered(turn, "topics")
        areas = self._areas_in_opening(text) if opening else []
        if areas:
            state.areas = areas
            mark_answered(turn, "area")
        sector = (sector_in(text) if opening else None) or turn.contact.sector
        if sector:
            state.sector = sector
            mark_answered(turn, "sector")

    @staticmethod
    def _areas_in_opening(text: str) -> list[str]:
        """Postcodes, districts written as such ("WS1") and named places in an opening message."""
        found = [span.value.split()[0] for span in find_postcodes(text)]
        found += [d for d in (district(token) for token in _DISTRICT_IN_OPENING.findall(text)) if d]
        lowered = text.lower()
        found += [area.code for area in NAMED_AREAS.values()
                  if any(re.search(rf"\b{re.escape(name.lower())}\b", lowered) for name in (area.name, *area.aliases))]
        return list(dict.fromkeys(found))

    def _sign_up(self, turn: Turn, state: AlertsState) -> None:
        channel, address = state.channel or turn.inbound.channel, state.address or turn.inbound.address
        choices = Choices(channel=channel, address=address, topics=tuple(state.topics), areas=tuple(state.areas),
                          sector=state.sector,
                          max_per_week=state.max_per_week or turn.settings.alerts_default_per_week,
                          business_name=turn.contact.business_name)
        shown = shown_for_confirming(turn, state)
        existing = subs.find(turn.session, channel, address)
        if existing is not None and existing.status in (Status.ACTIVE.value, Status.PAUSED.value):
            if not is_theirs(existing, turn.contact):
                # Only the phone itself may change alerts already going to it.
                turn.say("That number already gets crime alerts. To see or change them, text 'my alerts' to us "
                         "from that phone.")
                return
            self._update(turn, existing, choices, shown)
            return
        if state.sector and state.sector != OTHER_SECTOR:
            turn.contact.sector = state.sector  # remembered, so advice for the business comes first too
        subscription = subs.subscribe(turn.session, choices, now=turn.now, contact_id=turn.contact.id, wording=shown)
        self._forget_other_pending(turn, subscription)
        if subscription.status == Status.PENDING.value:
            self._ask_for_yes(turn, subscription)
            return
        turn.say(f"Done, you're signed up for crime alerts by {where_to(channel, address, turn)}. Say 'my alerts' "
                 "to see or change them, 'pause alerts' for a break, or 'stop alerts' to stop them.")

    def _update(self, turn: Turn, subscription: Subscription, choices: Choices, shown: str) -> None:
        """Signing up again to alerts they already get: the new choices replace the old, as confirmed."""
        subs.change(subscription, now=turn.now, topics=choices.topics, areas=choices.areas, sector=choices.sector,
                    max_per_week=choices.max_per_week)
        subs.resume(subscription, now=turn.now)
        subs.record_consent(turn.session, channel=subscription.channel, address=subscription.address,
                            action="opt_in", source=subs.Source.CONVERSATION.value, wording=shown, at=turn.now)
        turn.say(f"Done, I've updated your alerts.\n\n{overview(subscription, turn)}")

    def _forget_other_pending(self, turn: Turn, kept: Subscription) -> None:
        """A sign-up to another number replaces one still waiting for its YES (a mistyped number)."""
        for subscription in subs.of_contact(turn.session, turn.contact):
            if subscription.id != kept.id and subscription.status == Status.PENDING.value \
                    and subscription.contact_id == turn.contact.id:
                turn.session.delete(subscription)

    def _ask_for_yes(self, turn: Turn, subscription: Subscription) -> None:
        if (subscription.channel, subscription.address) == (turn.inbound.channel, turn.inbound.address):
            turn.say(f"Nearly done.\n\n{optin_text(subscription)}")  # this reply is the text to answer
            return
        phone = phone_for_people(subscription.address)
        if self._send_optin(turn, subscription):
            turn.say(f"Nearly done: I've sent a text to {phone}. Reply YES to it to start your alerts. Nothing is "
                     "sent until then.")
        else:
            turn.say(f"I've already sent {phone} {OPTIN_TEXTS_PER_DAY} texts today. Please reply YES to one of them, "
                     "or ask again tomorrow.")

    @staticmethod
    def _send_optin(turn: Turn, subscription: Subscription) -> bool:
        """Queue the YES text to the phone (at most a few a day); False when today's are used up."""
        prefix = f"alerts-optin:{turn.local_now.date().isoformat()}:"
        # Counted rather than read from queue()'s answer, which is always True on PostgreSQL (lead note).
        sent_today = turn.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.channel == subscription.channel, OutboxMessage.address == subscription.address,
            OutboxMessage.idempotency_key.like(f"{prefix}%"))) or 0
        if sent_today >= OPTIN_TEXTS_PER_DAY:
            return False
        queue(turn.session, channel=subscription.channel, address=subscription.address,
              key=f"{prefix}{sent_today + 1}", purpose=Why.SYSTEM, messages=[Outbound(optin_text(subscription))],
              now=turn.now, urgent=True)
        return True

    def _send_again(self, turn: Turn, mine: list[Subscription]) -> None:
        pending = [s for s in mine if s.status == Status.PENDING.value]
        if not pending and mine:
            self._show(turn, mine, None)
        elif not pending:
            self._not_signed_up(turn, Request.SHOW)
        else:
            self._ask_for_yes(turn, pending[0])

    def _confirm_by_sms(self, turn: Turn) -> bool:
        """A YES from a phone with a subscription waiting for it: the alerts start."""
        if turn.inbound.channel not in DOUBLE_OPT_IN or yes_no(turn.text) is not True:
            return False
        subscription = subs.pending_for(turn.session, turn.inbound.channel, turn.inbound.address)
        if subscription is None:
            return False
        subs.confirm(turn.session, subscription, now=turn.now, wording=optin_text(subscription))
        turn.say(started_text(subscription))
        return True

    # --- seeing and changing ------------------------------------------------------------------
    def _show(self, turn: Turn, mine: list[Subscription], lead: str | None) -> None:
        text = "\n\n".join(overview(subscription, turn) for subscription in mine)
        turn.say(f"{lead}\n\n{text}" if lead else text, self._options(turn, mine))

    def _options(self, turn: Turn, mine: list[Subscription]) -> tuple[Button, ...]:
        buttons = []
        if any(s.status == Status.PENDING.value for s in mine):
            buttons += [_button("Send the text again", Request.SEND_AGAIN),
                        _button("Use another number", Request.ANOTHER_NUMBER)]
        buttons += [_button("Change topics", Request.CHANGE_TOPICS), _button("Change area", Request.CHANGE_AREA),
                    _button("Change how many", Request.CHANGE_CAP)]
        states = {subs.effective_status(s, turn.now) for s in mine}
        if Status.PAUSED in states:
            buttons.append(_button("Resume alerts", Request.RESUME))
        elif Status.ACTIVE in states:
            buttons.append(_button("Pause alerts", Request.PAUSE))
        buttons.append(_button("Stop alerts", Request.STOP))
        return tuple(buttons)

    def _begin_change(self, turn: Turn, subscription: Subscription, part: str, fewer: bool = False) -> None:
        turn.conversation.flow = self.name
        self.reset(turn)
        state = own(turn)
        state.purpose = Purpose.CHANGE
        state.topics, state.areas = list(subscription.topics), list(subscription.areas)
        state.sector, state.max_per_week = subscription.sector, subscription.max_per_week
        mark_answered(turn, *(name for name in CHOICES if name != part))
        lead = "You can choose fewer a week, or say 'stop alerts' to stop them." if fewer else None
        self.ask_next(turn, state, lead)

    def _apply_change(self, turn: Turn, state: AlertsState) -> None:
        changed = set(self.history(turn))
        mine = subs.of_contact(turn.session, turn.contact)
        new_topics = [s for s in mine if subs.change(
            s, now=turn.now, topics=state.topics if "topics" in changed else None,
            areas=state.areas if "area" in changed else None, sector=state.sector if "sector" in changed else None,
            max_per_week=state.max_per_week if "cap" in changed else None)]
        text = "Done, I've changed that.\n\n" + "\n\n".join(overview(s, turn) for s in mine)
        for subscription in new_topics:
            if subscription.confirmed_at is not None:  # a pending one records its consent at the YES
                subs.record_consent(turn.session, channel=subscription.channel, address=subscription.address,
                                    action="opt_in", source=subs.Source.CONVERSATION.value, wording=text,
                                    at=turn.now)
        turn.say(text, self._options(turn, mine))

    # --- pausing, resuming, stopping ----------------------------------------------------------------
    def _pause(self, turn: Turn, mine: list[Subscription]) -> None:
        if not any(s.status in (Status.ACTIVE.value, Status.PAUSED.value) for s in mine):
            self._show(turn, mine, "Your alerts haven't started yet, so there's nothing to pause.")
            return
        turn.conversation.flow = self.name
        self.reset(turn)
        state = own(turn)
        state.purpose = Purpose.PAUSE
        if pause_end(turn.text, turn.local_now.date()) is None:
            self.ask_next(turn, state)  # how long was not said: ask
            return
        try:
            read_pause(turn, state, turn.text)
        except Invalid as problem:
            self.ask_next(turn, state, str(problem))
            return
        mark_answered(turn, "pause")
        self.ask_next(turn, state)

    def _apply_pause(self, turn: Turn, state: AlertsState) -> None:
        mine = [s for s in subs.of_contact(turn.session, turn.contact)
                if s.status in (Status.ACTIVE.value, Status.PAUSED.value)]
        for subscription in mine:
            subs.pause(subscription, until=state.pause_until, now=turn.now)
        if state.pause_until is None:
            turn.say("Paused: no alerts until you say 'resume alerts'.", (_button("Resume alerts", Request.RESUME),))
            return
        until = day(state.pause_until, turn.tz, turn.local_now.date())
        turn.say(f"Paused: no alerts until {until}. Say 'resume alerts' to start them sooner.",
                 (_button("Resume alerts", Request.RESUME),))

    def _resume(self, turn: Turn, mine: list[Subscription]) -> None:
        paused = [s for s in mine if s.status == Status.PAUSED.value]
        if not paused:
            self._show(turn, mine, "Your alerts are already on." if any(
                s.status == Status.ACTIVE.value for s in mine) else None)
            return
        for subscription in paused:
            subs.resume(subscription, now=turn.now)
        turn.say("Your crime alerts are back on.", self._options(turn, mine))

    def _stop(self, turn: Turn, mine: list[Subscription]) -> None:
        """Every one of their subscriptions ends at once: one request stops everything."""
        wording = stopped_text(", ".join(where_to(s.channel, s.address, turn) for s in mine))
        for subscription in mine:
            subs.unsubscribe(turn.session, subscription, now=turn.now, wording=wording)
        turn.say(wording)

    # --- the question flow -------------------------------------------------------------------------
    def handle(self, turn: Turn) -> None:
        if read_request(turn.text) is Request.STOP:
            self._end(turn)
            mine = subs.of_contact(turn.session, turn.contact)
            if mine:
                self._stop(turn, mine)
            else:
                turn.say("OK, I've stopped there: you're not signed up for alerts.")
            return
        if turn.conversation.step == "confirm" and yes_no(turn.text) is False:
            self.change(turn, "")
            return
        if self._tells_a_crime(turn):
            # Not an answer: "shoplifting" is a topic, "someone just stole 3 bottles of vodka" is an incident.
            turn.say(self._report_hint(turn))
            self.reask(turn)
            return
        super().handle(turn)

    @staticmethod
    def _tells_a_crime(turn: Turn) -> bool:
        """Someone telling what happened, not naming topics: "they just nicked 3 bottles of vodka"."""
        if turn.text in turn.state.buttons or turn.intent != "report_crime" \
                or turn.intent_confidence < SWITCH_CONFIDENCE:
            return False
        return bool(_NARRATIVE.search(turn.text))

    @staticmethod
    def _report_hint(turn: Turn) -> str:
        return (f"If you want to report a crime, say '{turn.capabilities.cancel_word}' first, then tell me what "
                "happened.")

    def finished(self, turn: Turn, state: AlertsState) -> None:
        if state.purpose is Purpose.SIGN_UP:
            self._sign_up(turn, state)
        elif state.purpose is Purpose.CHANGE:
            self._apply_change(turn, state)
        else:
            self._apply_pause(turn, state)
        self._end(turn)

    def _end(self, turn: Turn) -> None:
        turn.conversation.flow = None
        turn.conversation.step = None
        self.reset(turn)

    def offer_switch(self, turn: Turn, question: Question[AlertsState]) -> bool:
        """Only "what's happening with my report" is answered mid-way; the advice offer is the report's."""
        return turn.intent == "report_status" and super().offer_switch(turn, question)

    def reprompt(self, turn: Turn, subject: AlertsState, question: Question[AlertsState], problem: str) -> None:
        if turn.intent == "report_crime" and turn.intent_confidence >= SWITCH_CONFIDENCE:
            problem = f"{problem} {self._report_hint(turn)}"
        super().reprompt(turn, subject, question, problem)

    def help(self, turn: Turn) -> None:
        state = own(turn)
        question = self.current(turn, state)
        lines = [f"For example: {question.example}."] if question is not None else []
        lines.append(f"You can say 'back', 'change' and the part (for example 'change area'), or "
                     f"'{turn.capabilities.cancel_word}' to leave it. If anyone is in danger now, call 999.")
        turn.say("\n".join(lines))
        self.ask_next(turn, state)

    def progress(self, turn: Turn) -> str:
        purpose = own(turn).purpose
        return {Purpose.SIGN_UP: "signing up for crime alerts", Purpose.CHANGE: "changing your crime alerts",
                Purpose.PAUSE: "pausing your crime alerts"}[purpose]

    def discard(self, turn: Turn) -> None:
        """Nothing to throw away: choices are only saved when confirmed."""


def wants_alerts(turn: Turn) -> bool:
    """Is this message about alerts (with nothing else under way)? A YES from a phone whose alerts
    wait for it is too: on SMS, the YES that confirms them arrives as an ordinary message."""
    if read_request(turn.text, turn.intent, turn.intent_confidence) is not None:
        return True
    if read_request(turn.text, subscribed=True) is not None:  # "change my area": only a subscriber means alerts
        return bool(subs.of_contact(turn.session, turn.contact))
    return turn.inbound.channel in DOUBLE_OPT_IN and yes_no(turn.text) is True and \
        subs.pending_for(turn.session, turn.inbound.channel, turn.inbound.address) is not None
