"""The advice conversation: ask in words or pick a topic; get the short answer first, more on request.

The first answer is the article's summary (two SMS segments at most), so a shopkeeper on a phone
gets something useful at once; the full text, the "do this today" steps, the sources and related
articles follow only when asked for. When nothing fits, it says so and offers the topics instead
of guessing. The business's sector (remembered) puts sector-specific advice first.
"""

from __future__ import annotations

import re


from pydantic import Field

from bot.advice import Article, AdviceLibrary, default_library
from bot.advice.vocabulary import TOPICS
from bot.flows.answers import normalise
from bot.flows.base import Turn, Wording
from bot.messages import Button
from bot.state import FlowState

SECTOR_WORDS: tuple[tuple[str, str], ...] = (
    ("forecourt", r"\b(forecourts?|petrol station|filling station|garage forecourt|fuel station|service station)\b"),
    ("licensed", r"\b(pub|bar|nightclub|club|licensed premises|off licen[cs]e)\b"),
    ("hospitality", r"\b(restaurant|cafe|café|takeaway|hotel)\b"),
    ("rural", r"\b(farm|farmer|farmyard|rural|smallholding)\b"),
    ("office", r"\b(office|agency|practice|accountants?|solicitors?)\b"),
    ("retail", r"\b(shop|store|newsagent|off-licence|corner shop|convenience store|boutique|chemist)\b"),
)
MAX_RELATED = 5
DONE = re.compile(r"(done|no|no thanks|nothing|that'?s all|that'?s it|thanks|thank you|cheers|ta|bye|ok thanks|"
                  r"great thanks|finished)")
ADVICE_PREFIX = re.compile(r"^(?:advice|tips?|help)\s*(?:on|about|for|with)?\s*", re.IGNORECASE)


SECTOR_CONTEXT = re.compile(r"\b(?:i|we)\s+(?:run|own|have|manage|work (?:at|in))\s+(?:a|an|the)?\s*[\w' -]{0,40}?"
                            r"(?=,|\.|;| and | so | how | what |$)", re.IGNORECASE)


def sector_in(text: str) -> str | None:
    words = normalise(text)
    for sector, pattern in SECTOR_WORDS:
        if re.search(pattern, words):
            return sector
    return None


def without_sector_context(query: str) -> str:
    """"I run a petrol station, how do I stop theft" -> "how do I stop theft": the sector is remembered
    and applied as a preference; left in the query its words would outweigh the question itself."""
    return SECTOR_CONTEXT.sub(" ", query).strip(" ,.;")


class AdviceState(FlowState):
    """The articles that answered the last question, and the one on screen."""

    results: list[str] = Field(default_factory=list)
    article: str | None = None


class AdviceFlow:
    """Prevention advice by topic or question; casual, so any other request simply takes over."""

    State = AdviceState

    name = "advice"
    casual = True
    wording = Wording(cancel_question=None, cancelled="OK, I've closed the advice. If you need anything else, just say.",
                      restart_question=None)

    def __init__(self, library: AdviceLibrary | None = None) -> None:
        self.library = library or default_library()

    # --- the Flow interface -------------------------------------------------------------------
    def start(self, turn: Turn) -> None:
        turn.conversation.flow = self.name
        turn.conversation.step = "advice"
        self._answer(turn, turn.text, first=True)

    def handle(self, turn: Turn) -> None:
        words = normalise(turn.text)
        current = self._current(turn)
        if words in ("more", "tell me more", "read more", "full") and current:
            self._more(turn, current)
        elif words in ("steps", "what to do today", "what do i do", "do this today") and current:
            self._steps(turn, current)
        elif words in ("related", "related advice", "similar") and current:
            self._related(turn, current)
        elif words in ("next", "another", "next article", "something else") and current:
            self._next(turn)
        elif words in ("topics", "other topics", "topic list", "menu", "advice"):
            self._topics(turn, "Pick a topic, or ask me in your own words.")
        elif DONE.fullmatch(words):
            self._finish(turn)
        else:
            self._answer(turn, turn.text)

    def reask(self, turn: Turn) -> None:
        current = self._current(turn)
        if current is None:
            self._topics(turn, "Pick a topic, or ask me in your own words.")
        else:
            self._show(turn, current)

    def help(self, turn: Turn) -> None:
        turn.say("Ask about any crime worry in your own words, for example 'how do I stop drive-offs' or "
                 "'what do I do about ransomware', or pick a topic. Say 'done' when you've finished.")
        self._topics(turn, "Topics:")

    def back(self, turn: Turn) -> None:
        self._topics(turn, "Here are the topics again.")

    def change(self, turn: Turn, words: str) -> None:
        self._topics(turn, "Pick another topic, or ask me in your own words.")

    def progress(self, turn: Turn) -> str:
        current = self._current(turn)
        return f"reading advice on \"{current.title}\"" if current else "looking for prevention advice"

    def discard(self, turn: Turn) -> None:
        """Nothing to throw away: advice browsing stores no personal data."""

    # --- answering ----------------------------------------------------------------------------------
    @staticmethod
    def own(turn: Turn) -> AdviceState:
        return turn.flow_state  # type: ignore[return-value]  # the flow's own State (no cast(): hot path)

    def _sector(self, turn: Turn, text: str) -> str | None:
        said = sector_in(text)
        if said and said != turn.contact.sector:
            turn.contact.sector = said
        return turn.contact.sector

    def _answer(self, turn: Turn, text: str, first: bool = False) -> None:
        sector = self._sector(turn, text)
        query = ADVICE_PREFIX.sub("", without_sector_context(text.strip())).strip()
        topic = re.fullmatch(r"topic (\w+)", normalise(query))
        article_id = re.fullmatch(r"article ([\w-]+)", normalise(query))
        crime_types = [e["value"] for e in turn.entities("crime_type")]
        chosen = self.library.get(article_id.group(1)) if article_id else None
        results: list[Article]
        if chosen is not None:
            results = [chosen]
        elif topic:
            results = self.library.by_topic(topic.group(1), sector)
        elif query in TOPICS:
            # "advice shop_theft": the offer made after a report of that crime type.
            results = self.library.for_crime_type(query, sector) or self.library.by_topic(query, sector)
        elif not query:
            self._topics(turn, "What would you like advice on? Pick a topic, or ask me in your own words, for "
                               "example 'how do I stop shoplifters?'")
            return
        else:
            found = self.library.search(query, crime_type=crime_types[0] if crime_types else None, sector=sector,
                                        limit=5)
            results = [scored.article for scored in found]
        if not results:
            self._topics(turn, "Sorry, I don't have advice that fits that. Here are the topics I can help with, "
                               "or try asking in other words.")
            return
        state = self.own(turn)
        state.results, state.article = [article.id for article in results[:5]], results[0].id
        self._show(turn, results[0])

    def _current(self, turn: Turn) -> Article | None:
        article_id = self.own(turn).article
        return self.library.get(article_id) if article_id else None

    def _options(self, turn: Turn, *exclude: str) -> tuple[Button, ...]:
        options = [Button("Tell me more", "more"), Button("What to do today", "steps"),
                   Button("Related advice", "related"), Button("Other topics", "topics"),
                   Button("Get crime alerts", "get crime alerts"), Button("Done", "done")]
        if turn.state.suspended:
            options.insert(0, Button("Back to my report", "carry on"))
        return tuple(b for b in options if b.payload not in exclude)

    def _show(self, turn: Turn, article: Article) -> None:
        text = article.summary if not turn.capabilities.buttons else f"{article.title}\n\n{article.summary}"
        turn.say(text, self._options(turn))

    def _more(self, turn: Turn, article: Article) -> None:
        turn.say(article.plain_body(), self._options(turn, "more"))

    def _steps(self, turn: Turn, article: Article) -> None:
        steps = "\n".join(f"{number}. {step}" for number, step in enumerate(article.steps, start=1))
        sources = ", ".join(source.name for source in article.sources)
        turn.say(f"Do this today:\n{steps}\n\nSources: {sources}.", self._options(turn, "steps"))

    def _related(self, turn: Turn, article: Article) -> None:
        related = self.library.related(article, sector=turn.contact.sector)[:MAX_RELATED]
        if not related:
            self._topics(turn, "I don't have more on that. Here are the other topics.")
            return
        turn.say("Related advice:", tuple(Button(a.title, f"article {a.id}") for a in related))

    def _next(self, turn: Turn) -> None:
        results, current = self.own(turn).results, self.own(turn).article
        position = results.index(current) + 1 if current in results else 0
        # Ids kept from an earlier turn may name an article since removed from the library.
        following = [a for a in (self.library.get(i) for i in results[position:]) if a is not None]
        if not following:
            self._topics(turn, "That's all I have on that. Here are the other topics.")
            return
        self.own(turn).article = following[0].id
        self._show(turn, following[0])

    def _topics(self, turn: Turn, lead: str) -> None:
        buttons = [Button(label, f"topic {code}") for code, label in self.library.topics_menu(turn.contact.sector)]
        if turn.state.suspended:
            buttons.insert(0, Button("Back to my report", "carry on"))
        turn.say(lead, tuple(buttons))

    def _finish(self, turn: Turn) -> None:
        turn.conversation.flow = None
        turn.conversation.step = None
        turn.flow_state = self.State()
        if not turn.state.suspended:
            turn.say("Glad to help. Please report every incident, even small ones: it helps the police decide "
                     "where to patrol. In an emergency, call 999.")
