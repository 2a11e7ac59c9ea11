"""Seasonal campaign presets: YAML files in ``advice_content/campaigns/`` that a lead copies and edits.

A preset is content, like the advice articles it links to: its texts, its audience, and a
seasonal schedule given by month and day ("every friday at 10:00 from 12-01 to 12-24"), which
becomes this year's dates (or next year's, once this year's have passed) when a campaign is made
from it. ``bizwatch advice check`` checks the presets with the articles: linked articles exist,
texts compile in the sandbox and fit the SMS cap, our own words are GSM-7, audience codes are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from bot.advice import gsm7
from bot.advice.articles import default_directory
from bot.campaigns.audience import AudienceSpec
from bot.campaigns.lifecycle import CampaignDraft
from bot.campaigns.rendering import TextLimits, advice_items, check_texts, sample_text, unknown_articles
from bot.campaigns.schedule import Schedule, ScheduleError, every, parse_clock, parse_days, season_dates
from bot.config import DEFAULT_OPT_OUT_LINE, DEFAULT_SMS_MAX_SEGMENTS

SUFFIX = ".yml"
FIELDS = ("id", "name", "description", "articles", "audience", "schedule", "sms", "chat")
AUDIENCE_FIELDS = ("topics", "areas", "sectors", "channels")
SCHEDULE_FIELDS = ("every", "at", "from", "until")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MONTH_DAY = re.compile(r"^\d\d-\d\d$")
#: The limits presets are checked against: the settings' defaults.
DEFAULT_LIMITS = TextLimits(footer=DEFAULT_OPT_OUT_LINE, max_sms_segments=DEFAULT_SMS_MAX_SEGMENTS)


class PresetError(ValueError):
    """A preset that cannot be used (``bizwatch advice check`` lists every problem)."""


@dataclass(frozen=True)
class Preset:
    """One preset, parsed."""

    id: str
    name: str
    description: str
    articles: tuple[str, ...]
    audience: AudienceSpec
    every: str
    at: str
    season_from: str  # "12-01"
    season_until: str  # "12-24"
    sms: str
    chat: str

    def schedule(self, today: date) -> Schedule:
        """The seasonal schedule with the next dates not yet over."""
        start, until = season_dates(self.season_from, self.season_until, today)
        return every(parse_days(self.every), parse_clock(self.at), start, until)

    def draft(self, today: date) -> CampaignDraft:
        """A campaign draft copied from this preset, for a lead to edit."""
        return CampaignDraft(name=self.name, sms_text=self.sms, chat_text=self.chat, audience=self.audience,
                             articles=self.articles, schedule=self.schedule(today), preset=self.id)


def presets_directory() -> Traversable | Path:
    """``advice_content/campaigns`` (next to the articles)."""
    articles = default_directory()
    return articles.parent / "campaigns" if isinstance(articles, Path) else files("advice_content") / "campaigns"


def preset_files(directory: Traversable | Path | None = None) -> list[Traversable | Path]:
    root = presets_directory() if directory is None else directory
    return sorted((e for e in root.iterdir() if e.is_file() and e.name.endswith(SUFFIX)), key=lambda e: e.name)


def load_presets(directory: Traversable | Path | None = None) -> dict[str, Preset]:
    """Every preset by id (raises PresetError on the first that cannot be parsed)."""
    presets = {}
    for entry in preset_files(directory):
        preset = parse_preset(_read(entry), entry.name)
        presets[preset.id] = preset
    return presets


def get_preset(preset_id: str, directory: Traversable | Path | None = None) -> Preset:
    presets = load_presets(directory)
    if preset_id not in presets:
        raise PresetError(f"there is no preset {preset_id!r} (presets: {', '.join(presets)})")
    return presets[preset_id]


def parse_preset(data: dict[str, Any], name: str) -> Preset:
    """A preset from its parsed YAML; PresetError naming the file if a field is missing or malformed."""
    try:
        audience, schedule = data.get("audience") or {}, data["schedule"]
        return Preset(
            id=str(data["id"]), name=str(data["name"]).strip(), description=" ".join(str(data["description"]).split()),
            articles=tuple(str(a) for a in data["articles"]),
            audience=AudienceSpec.build(**{f: [str(v) for v in audience.get(f) or []] for f in AUDIENCE_FIELDS}),
            every=str(schedule["every"]), at=str(schedule["at"]), season_from=str(schedule["from"]),
            season_until=str(schedule["until"]), sms=str(data["sms"]).strip(), chat=str(data["chat"]).strip())
    except KeyError as error:
        raise PresetError(f"{name}: missing field {error.args[0]!r}") from None
    except (TypeError, AttributeError, ValueError) as error:
        raise PresetError(f"{name}: {error}") from None


def check_presets(known_articles: set[str], directory: Traversable | Path | None = None,
                  today: date | None = None) -> list[tuple[str, str]]:
    """(file, problem) for every problem in every preset; the articles' ids are given by the caller."""
    problems: list[tuple[str, str]] = []
    entries = preset_files(directory)
    if not entries:
        return [("advice_content/campaigns", "no campaign presets found")]
    for entry in entries:
        problems += [(entry.name, message) for message in _check_one(entry, known_articles, today or date.today())]
    return problems


def _check_one(entry: Traversable | Path, known_articles: set[str], today: date) -> list[str]:
    try:
        data = _read(entry)
        preset = parse_preset(data, entry.name)
    except PresetError as error:
        return [str(error).removeprefix(f"{entry.name}: ")]
    out = [f"unknown field {f!r} (allowed: {', '.join(FIELDS)})" for f in data if f not in FIELDS]
    out += [f"audience: unknown field {f!r}" for f in data.get("audience") or {} if f not in AUDIENCE_FIELDS]
    out += [f"schedule: unknown field {f!r}" for f in data["schedule"] if f not in SCHEDULE_FIELDS]
    stem = entry.name.removesuffix(SUFFIX)
    if not ID_PATTERN.match(preset.id) or preset.id != stem:
        out.append(f"id {preset.id!r} must be kebab-case and match the file name {stem!r}")
    if not preset.articles:
        out.append("link at least one advice article")
    out += [f"there is no advice article {a!r}" for a in unknown_articles(preset.articles, known_articles)]
    out += preset.audience.problems()
    out += _check_schedule(preset, today)
    texts = {"sms": preset.sms, "chat": preset.chat}
    advice = advice_items(a for a in preset.articles if a in known_articles)
    found = check_texts(texts, advice, DEFAULT_LIMITS)
    out += [str(problem) for problem in found]
    if not found:
        for kind in texts:
            bad = gsm7.non_gsm7_chars(sample_text(texts[kind], kind, advice, DEFAULT_LIMITS))
            if bad:
                out.append(f"the {kind} text has characters outside GSM-7 (plain quotes and dashes, please): "
                           f"{''.join(bad)!r}")
    return out


def _check_schedule(preset: Preset, today: date) -> list[str]:
    if not (MONTH_DAY.match(preset.season_from) and MONTH_DAY.match(preset.season_until)):
        return ["schedule: from and until are a month and day such as 12-01"]
    try:
        return [f"schedule: {p}" for p in preset.schedule(today).problems()]
    except (ScheduleError, ValueError) as error:
        return [f"schedule: {error}"]


def _read(entry: Traversable | Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise PresetError(f"{entry.name}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise PresetError(f"{entry.name}: a preset is a YAML mapping of field: value")
    return data
