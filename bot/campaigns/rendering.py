"""A campaign's texts for each recipient: the variables, the checks before saving, and rendering at send time.

The check renders each template twice before it is saved: for a sample recipient whose business
name is as long as any recipient's will be on SMS (longer names are cut there), and with the
generic words ("your business"). At send time a text that still comes out over the SMS cap (a
business name with a character outside GSM-7 turns the text into UCS-2) is sent with the generic
words instead, which the check has already measured. So every SMS sent is within the cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.advice.library import default_library
from bot.campaigns.templates import (
    GENERIC,
    MAX_NAME_CHARS,
    SAMPLE,
    MessageTemplate,
    SmsSize,
    TemplateProblem,
    check_rendered,
    check_source,
    render_checked,
    with_footer,
)

SMS_CHANNELS = frozenset({"sms"})  # every other channel gets the chat text


def template_kind(channel: str) -> str:
    """Which of a campaign's texts a channel gets."""
    return "sms" if channel in SMS_CHANNELS else "chat"


def advice_items(article_ids: Iterable[str]) -> list[dict[str, str]]:
    """The linked articles as template values: title, summary and a link (the article's first public source)."""
    library = default_library()
    items = []
    for article_id in article_ids:
        article = library.get(article_id)
        if article is not None:
            items.append({"title": article.title, "summary": article.summary,
                          "link": article.sources[0].url if article.sources else ""})
    return items


def unknown_articles(article_ids: Iterable[str], known: Iterable[str] | None = None) -> list[str]:
    """The ids that are not advice articles."""
    names = set(known) if known is not None else {a.id for a in default_library().articles}
    return [article_id for article_id in article_ids if article_id not in names]


def variables(advice: list[dict[str, str]], *, business_name: str | None, area: str | None,
              kind: str) -> dict[str, Any]:
    """What a template sees for one recipient (on SMS the business name is cut to ``MAX_NAME_CHARS``)."""
    name = (business_name or "").strip() or GENERIC["business_name"]
    if kind == "sms":
        name = name[:MAX_NAME_CHARS].rstrip()
    return {"business_name": name, "area": (area or "").strip() or GENERIC["area"], "advice": advice,
            "advice_link": advice[0]["link"] if advice else ""}


@dataclass(frozen=True)
class TextLimits:
    """How long a rendered text may be and what is added to it."""

    footer: str
    max_sms_segments: int


def check_texts(texts: Mapping[str, str], advice: list[dict[str, str]], limits: TextLimits,
                *, area: str | None = None) -> list[TemplateProblem]:
    """Every problem with the texts (kind -> template source), before anything is saved."""
    problems: list[TemplateProblem] = []
    for kind, source in texts.items():
        if not source.strip():
            continue
        found = check_source(kind, source)
        if found:
            problems += found
            continue
        template = MessageTemplate(kind, source)
        for sample in (variables(advice, business_name=SAMPLE["business_name"], area=area or SAMPLE["area"],
                                 kind=kind),
                       variables(advice, business_name=None, area=None, kind=kind)):
            text, problem = render_checked(template, sample)
            problem = problem or check_rendered(kind, text or "", footer=limits.footer,
                                                max_segments=limits.max_sms_segments)
            if problem:
                problems.append(problem)
                break
    return problems


def sample_text(source: str, kind: str, advice: list[dict[str, str]], limits: TextLimits,
                area: str | None = None) -> str:
    """The message a sample recipient (long business name) gets, as sent (footer included)."""
    template = MessageTemplate(kind, source)
    text = template.render(variables(advice, business_name=SAMPLE["business_name"], area=area or SAMPLE["area"],
                                     kind=kind))
    return with_footer(text, limits.footer, kind)


class Renderer:
    """Renders a campaign's texts for many recipients, remembering each distinct result."""

    def __init__(self, texts: Mapping[str, str], advice: list[dict[str, str]], limits: TextLimits) -> None:
        self.templates = {kind: MessageTemplate(kind, source) for kind, source in texts.items() if source.strip()}
        self.advice = advice
        self.limits = limits
        self._done: dict[tuple[str, str | None, str | None], str] = {}

    def text(self, channel: str, business_name: str | None, area: str | None) -> str:
        """The message as sent on ``channel`` (footer included)."""
        kind = template_kind(channel)
        key = (kind, business_name, area)
        found = self._done.get(key)
        if found is None:
            found = self._done[key] = self._render(kind, business_name, area)
        return found

    def _render(self, kind: str, business_name: str | None, area: str | None) -> str:
        template = self.templates[kind]
        text, problem = render_checked(template, variables(self.advice, business_name=business_name, area=area,
                                                           kind=kind))
        if problem is None and text is not None:
            sent = with_footer(text, self.limits.footer, kind)
            if kind == "chat" or SmsSize.of(sent).segments <= self.limits.max_sms_segments:
                return sent
        # This recipient's own words would break the text or the cap: the generic words were checked.
        return with_footer(template.render(variables(self.advice, business_name=None, area=None, kind=kind)),
                           self.limits.footer, kind)
