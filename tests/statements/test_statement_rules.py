"""The rules a statement keeps, tested on their own: no view on sentence, amounts read and totalled,
the four sections named once, and the schema the migration builds matching the models."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.flows.base import Invalid
from bot.flows.impact.parts import read_amounts
from bot.statements.opinions import sentence_opinion
from bot.statements.sections import SECTIONS, described, has_content, total
from bot.storage.db import make_engine
from bot.storage.models import Base, ImpactStatement

OPINIONS = [
    "he should go to prison", "a ban", "lock him up", "Lock them up and throw away the key",
    "I want him banned from every shop in town", "they need locking up", "he deserves a long sentence",
    "hope he gets jail", "I'd like to see him behind bars", "the court should give him a fine",
    "Staff are scared. He should be sent down for this", "jail", "please ban him", "give him community service",
    "i dont want him to go to prison, he needs help", "he deserves everything he gets", "make an example of him",
    "we want the maximum sentence", "he shud get locked up", "They must be punished", "prison for him",
    "HE SHOULD GO TO PRISON!!!", "he should be jailed", "they need a custodial sentence", "a prison sentence please",
    "he belongs in jail", "the court should give him 5 years", "a ban for him would be good", "hang him",
    "he needs help, not prison", "they should ban him", "they should get a fine and a ban",
]
IMPACT = [
    "Staff are scared to come in and one has been off sick since",
    "We banned him from the shop last year but he keeps coming back", "he has been to prison before",
    "We had to close for a day and lost about £900 of trade", "we need to pay for new shutters, £1,200",
    "the staff should be fine now", "we had to hire a security guard", "we had to ban all hoodies in the store",
    "I hope things get back to normal", "we had to tag all the stock, £300", "his last sentence didn't stop him",
    "We want the court to know how hard it has been", "we need to start locking up at 6pm",
    "we had to lock up early every night", "customers don't want to come in any more",
    "we had to ban him from the shop last year", "the sentence on the sign was vandalised", "my staff feel locked in",
    "we fined the supplier", "prison officers shop here", "we need to ban him from the shop",
    "we should get a fine amount back from insurance", "I hope life gets back to normal", "we should lock up earlier",
    "the council should fine fly-tippers", "we need a tag system for the spirits", "staff need time off",
]


@pytest.mark.parametrize("text", OPINIONS)
def test_views_on_sentence_are_recognised(text):
    assert sentence_opinion(text)


@pytest.mark.parametrize("text", IMPACT)
def test_impact_that_mentions_punishment_is_not_a_view_on_sentence(text):
    assert not sentence_opinion(text)


def test_amounts_one_a_named_total_or_several_to_ask_about():
    assert read_amounts("lost £900 of trade").total == Decimal("900")
    assert read_amounts("guard £1,200, lost trade £800, total £2,000").total == Decimal("2000")
    several = read_amounts("stock worth £450 and £200 from the till")
    assert several.total is None and several.values == (Decimal("450"), Decimal("200"))
    assert read_amounts("about 2 grand in all").total == Decimal("2000")
    assert read_amounts("staff overtime").values == ()
    with pytest.raises(Invalid):
        read_amounts("£99,999,999")


def test_sections_are_the_four_of_the_victims_code_and_total_what_is_stated():
    assert [(s.number, s.title) for s in SECTIONS] == [
        (1, "Direct financial loss"), (2, "Damage to buildings and property"), (3, "Indirect costs"),
        (4, "Non-financial impact")]
    statement = ImpactStatement(financial_text="stock", financial_gbp=Decimal("450"), damage_text="",
                                indirect_text="lost trade", indirect_gbp=None, non_financial_text=None)
    assert total(statement) == Decimal("450") and has_content(statement)
    assert [described(statement, s) for s in SECTIONS] == ["stock", "None", "lost trade", "Not stated"]
    assert not has_content(ImpactStatement(financial_text="", damage_text="", indirect_text="", non_financial_text=""))


def test_the_migration_builds_what_the_models_say(migrated):
    engine = make_engine(migrated)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    ours = [d for d in differences if "impact_statement" in repr(d)]
    assert ours == []
