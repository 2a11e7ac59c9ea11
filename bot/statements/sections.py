"""The four sections of an Impact Statement for Business (Victims' Code; DOMAIN.md), and amounts.

One registry read by the conversation (what to ask), the review in the chat and the documents
(what to print), so a section is named and described the same way everywhere. A section's text
is ``None`` when not stated and ``""`` when the business said there was none.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.reports.summary import money
from bot.storage.models import ImpactStatement


@dataclass(frozen=True)
class Section:
    code: str
    number: int | None  # 1 to 4; None for a supplementary statement's addition
    title: str
    covers: str  # what belongs in it, in plain words
    has_amount: bool

    @property
    def text_attribute(self) -> str:
        return f"{self.code}_text"

    @property
    def amount_attribute(self) -> str:
        return f"{self.code}_gbp"


SECTIONS: tuple[Section, ...] = (
    Section("financial", 1, "Direct financial loss", "goods or cash taken", True),
    Section("damage", 2, "Damage to buildings and property",
            "doors, windows, fittings, equipment or vehicles, and the cost of repairs", True),
    Section("indirect", 3, "Indirect costs",
            "lost trade, staff time, extra security, insurance, contract staff, medical costs", True),
    Section("non_financial", 4, "Non-financial impact",
            "staff wellbeing, injuries, fear, operational disruption, reputation, customers and the community", False),
)
ADDITION = Section("addition", None, "Supplementary statement", "what has changed or come to light since", True)
NONE_SAID = "None"
NOT_STATED = "Not stated"


def text_of(statement: ImpactStatement, section: Section) -> str | None:
    return getattr(statement, section.text_attribute)


def amount_of(statement: ImpactStatement, section: Section) -> Decimal | None:
    return getattr(statement, section.amount_attribute) if section.has_amount else None


def set_text(statement: ImpactStatement, section: Section, text: str | None) -> None:
    setattr(statement, section.text_attribute, text)


def set_amount(statement: ImpactStatement, section: Section, amount: Decimal | None) -> None:
    if section.has_amount:
        setattr(statement, section.amount_attribute, amount)


def sections_of(statement: ImpactStatement) -> tuple[Section, ...]:
    """The sections a statement has: the four, or a supplementary statement's addition."""
    return (ADDITION,) if statement.supplements_id is not None else SECTIONS


def total(statement: ImpactStatement) -> Decimal:
    """The sum of the amounts stated so far (sections with no amount count nothing)."""
    return sum((amount_of(statement, s) or Decimal(0) for s in sections_of(statement)), Decimal(0))


def has_content(statement: ImpactStatement) -> bool:
    """At least one section says something (a statement of "none" throughout tells the court nothing)."""
    return any(text_of(statement, s) for s in sections_of(statement))


def described(statement: ImpactStatement, section: Section) -> str:
    """The section's words, "None" (the business said so) or "Not stated"."""
    text = text_of(statement, section)
    if text is None:
        return NOT_STATED
    return text or NONE_SAID


def amount_text(statement: ImpactStatement, section: Section) -> str | None:
    """The section's amount in pounds, or None when it has none (or none was given)."""
    amount = amount_of(statement, section)
    return None if amount is None else money(amount)
