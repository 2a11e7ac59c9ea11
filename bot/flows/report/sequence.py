"""The questions of a crime report, in the order asked (DOMAIN.md: what investigators need).

Each question stores its answer on the draft ``Report`` straight away, so nothing given is lost
if the user goes quiet. Related facts share one question where a person would say them together
(the place; the CCTV facts; name, role and contact), and a follow-up asks only what that answer
left out. Crime-specific questions apply when ``bot.crime_types`` lists them for the crime type.
"""

from __future__ import annotations

from bot.flows.questions import Question
from bot.flows.report import evidence, goods, harm, offenders, opening, reporter, review, story, when, where
from bot.flows.report.common import asked_for, set_detail
from bot.flows.report.fraud import cctv_relevant, how_told, offenders_seen, scene_witnessed
from bot.storage.models import Report

Q = Question[Report]

QUESTIONS: tuple[Q, ...] = (
    # takes_skip: "not sure" or "dunno" here is a possible danger (answer_danger gives 999), not a skip.
    Q(name="danger", ask=opening.ask_danger, answer=opening.answer_danger, takes_skip=True,
      example="'no' if it's over, or 'yes' if anyone is in danger now"),
    Q(name="crime_type", ask=opening.ask_crime_type, answer=opening.answer_crime_type,
      example="'shop theft' or 'someone smashed our window'", labels=("type", "crime type", "crime", "kind of crime"),
      why="It tells me which questions matter, and the police which team deals with it."),
    # --- when
    Q(name="occurred_at", ask=when.ask_occurred_at, answer=when.answer_occurred_at,
      example="'yesterday about 3pm' or '21/11 14:30'", labels=("time", "date", "when", "day", "date and time"),
      follow_ups=("occurred_time",), why="The police need to know when it happened to find it on CCTV "
                                         "and check other reports. A rough answer like 'yesterday' is fine."),
    Q(name="occurred_time", ask=when.ask_occurred_time, answer=when.answer_occurred_time,
      example="'3pm' or 'about 14:30'", applies=when.day_without_time, optional=True, in_menu=False,
      skipped="OK, time not known.", labels=("what time",)),
    # --- where
    Q(name="business_known", ask=where.ask_business_known, answer=where.answer_business_known,
      example="'yes', or 'somewhere else'", applies=where.remembered_business, labels=("place", "where", "business",
                                                                                      "location", "shop"),
      follow_ups=("business", "business_name", "business_address", "business_postcode")),
    Q(name="business", ask=where.ask_business, answer=where.answer_business,
      example="'Kumar's Stores, 12 High Street, Walsall WS1 1QL'",
      labels=("place", "where", "business", "location", "shop"), clear=where.clear_business,
      follow_ups=("business_name", "business_address", "business_postcode"),
      why="The police need to know where it happened."),
    Q(name="business_name", ask=where.ask_business_name, answer=where.answer_business_name,
      example="'Kumar's Convenience Store'", optional=True, in_menu=False, skipped="OK.",
      labels=("business name", "name of the business", "shop name")),
    Q(name="business_address", ask=where.ask_business_address, answer=where.answer_business_address,
      example="'12 High Street, Walsall WS1 1QL'", in_menu=False, labels=("address",),
      why="Officers need the address to find where it happened."),
    Q(name="business_postcode", ask=where.ask_business_postcode, answer=where.answer_business_postcode,
      example="'WS1 1QL'", optional=True, in_menu=False, skipped="OK, no postcode.", labels=("postcode", "post code")),
    # --- what happened
    Q(name="description", ask=story.ask_description, answer=story.answer_description,
      example="'Two men filled a bag with meat and walked out past the till'", extend=story.add_to_description,
      takes_skip=True,
      labels=("what happened", "description", "story"),
      why="A few words in your own words help the police most, for example 'a man took 3 bottles of gin'."),
    Q(name="making_off_kind", ask=goods.ask_making_off_kind, answer=goods.answer_making_off_kind,
      example="'fuel' or 'food and drink'", applies=asked_for("making_off_kind"),
      labels=("what they left without paying for",), clear=goods.clear_making_off_kind),
    Q(name="pump", ask=goods.ask_pump, answer=goods.answer_pump, example="'pump 4'", optional=True,
      applies=goods.fuel_answer_applies, labels=("pump",), skipped="OK, pump not known.",
      clear=lambda r: set_detail(r, "pump_number", None)),
    Q(name="fuel", ask=goods.ask_fuel, answer=goods.answer_fuel, example="'45 litres, £68.50'", optional=True,
      applies=goods.fuel_answer_applies, labels=("litres", "fuel"), skipped="OK, amount not known.",
      clear=lambda r: set_detail(r, "litres", None)),
    Q(name="items", ask=goods.ask_items, answer=goods.answer_items, example="'6 bottles of vodka, £90'",
      applies=goods.items_apply, labels=("what was taken", "items", "stolen", "taken", "goods"), optional=True,
      skipped="OK, I'll leave that out for now.", clear=goods.clear_goods),
    Q(name="value", ask=goods.ask_value, answer=goods.answer_value, example="'£90'", optional=True,
      applies=goods.items_apply, labels=("value", "amount", "worth", "total", "price"), skipped="OK, value not known."),
    harm.detail_question("damage", "What was damaged?", "damage", "'front window smashed' or 'graffiti on the shutter'",
                         labels=("damage", "what was damaged"), optional=True,
                         skipped="OK, your description will do."),
    Q(name="repair", ask=harm.ask_repair, answer=harm.answer_amount, example="'£350' or 'don't know'", optional=True,
      applies=asked_for("repair"), labels=("repair cost", "repair", "cost", "estimate"),
      skipped="OK, cost not known yet."),
    Q(name="injuries", ask=harm.ask_injuries, answer=harm.answer_injuries, example="'no', or 'cut to the hand'",
      applies=asked_for("injuries"), labels=("injuries", "injury", "hurt"), optional=True,
      skipped="OK, I'll leave injuries out.", clear=harm.clear_injuries),
    harm.detail_question("staff", "Which staff were involved? Names or roles.", "staff_involved", "'Sam, cashier'",
                         labels=("staff", "staff involved", "who was involved"), optional=True,
                         skipped="OK, I'll leave that out."),
    Q(name="amount_lost", ask=harm.ask_amount_lost,
      answer=harm.answer_amount, example="'£1,200' or 'nothing yet'", optional=True, applies=asked_for("amount_lost"),
      labels=("amount lost", "loss", "money lost"), skipped="OK, loss not known."),
    harm.detail_question("how", "How did it happen?", "how_it_happened",
                         "'an email asked us to change a supplier's bank details'", labels=("how it happened", "how"),
                         known=how_told, takes_skip=True, optional=True, skipped="OK, your description will do."),
    # --- who
    Q(name="offenders", ask=offenders.ask_offenders, answer=offenders.answer_offenders,
      example="'two men, 20s, grey hoodies, one had a neck tattoo, drove off in a red van'", optional=True,
      applies=offenders_seen, extend=offenders.extend_offenders, skipped="OK, no description.",
      labels=("offenders", "offender", "suspect", "suspects", "them", "description of them", "who did it"),
      clear=offenders.clear_offenders),
    Q(name="vehicle", ask=offenders.ask_vehicle, answer=offenders.answer_vehicle, example="'AB12 CDE'", optional=True,
      applies=offenders.vehicle_applies, skipped="OK, registration not known.",
      labels=("vehicle", "registration", "reg", "car", "number plate"), clear=offenders.clear_vehicle),
    # --- evidence
    Q(name="cctv", ask=evidence.ask_cctv, answer=evidence.answer_cctv,
      example="'yes, shows his face, clock right, kept 30 days' or 'no'", optional=True, applies=cctv_relevant,
      labels=("cctv", "video", "footage", "camera"), skipped="OK, I'll leave CCTV out.",
      follow_ups=("cctv_facts", "cctv_overwrite", "cctv_link"), clear=evidence.clear_cctv),
    Q(name="cctv_facts", ask=evidence.ask_cctv_facts, answer=evidence.answer_cctv_facts,
      example="'face clear, clock 5 minutes fast, kept 30 days'", optional=True, applies=evidence.cctv_yes,
      in_menu=False, skipped="OK, the officer can check the footage.", labels=("face", "clock", "cctv clock")),
    Q(name="cctv_overwrite", ask=evidence.ask_overwrite, answer=evidence.answer_overwrite, example="'7 days'",
      optional=True, applies=evidence.overwrite_unknown, in_menu=False, skipped="OK.",
      labels=("overwritten", "recorded over", "overwrite")),
    Q(name="cctv_link", ask=evidence.ask_link, answer=evidence.answer_link, example="'https://www.dropbox.com/...' "
      "or 'later'", optional=True, takes_skip=True, applies=evidence.cctv_yes, in_menu=False,
      labels=("link", "cctv link", "footage link")),
    Q(name="photos", ask=evidence.ask_photos, answer=evidence.answer_photos, example="a photo, then 'done'",
      optional=True, applies=evidence.can_take_photos, labels=("photos", "photo", "pictures"), skipped="OK, no photos."),
    Q(name="witnesses", ask=evidence.ask_witnesses, answer=evidence.answer_witnesses,
      example="'Jo from the shop next door, 07700 900456'", optional=True, applies=scene_witnessed,
      labels=("witnesses", "witness"),
      skipped="OK, I'll leave witnesses out.", clear=evidence.clear_witnesses),
    # --- you
    Q(name="reporter_known", ask=reporter.ask_reporter_known, answer=reporter.answer_reporter_known,
      example="'yes', or 'change them'", applies=reporter.remembered_reporter,
      labels=("your details", "my details", "details about me", "details"),
      follow_ups=("reporter", "reporter_name", "reporter_contact", "preferred_contact")),
    Q(name="reporter", ask=reporter.ask_reporter, answer=reporter.answer_reporter,
      example="'Priya Kumar, owner, 07700 900123'", clear=reporter.clear_reporter,
      labels=("your details", "my details", "details", "contact details", "role", "job"),
      follow_ups=("reporter_name", "reporter_contact", "preferred_contact"),
      why="The police may need to ask you about it or tell you what happens next."),
    # A change of name or number asks only that ("change my phone number"), keeping the rest.
    Q(name="reporter_name", ask=reporter.ask_name, answer=reporter.answer_name, example="'Priya Kumar'",
      in_menu=False, labels=("name", "my name", "your name"),
      why="A statement and any update need a name. Just a first name is fine."),
    Q(name="reporter_contact", ask=reporter.ask_contact, answer=reporter.answer_contact,
      example="'07700 900123' or 'priya@kumarstores.co.uk'", in_menu=False,
      labels=("phone", "phone number", "number", "mobile", "mobile number", "email", "email address", "contact",
              "contact number"),
      why="The police may need to ask you about it. An email address is fine if you'd rather not give a number."),
    Q(name="preferred_contact", ask=reporter.ask_preferred, answer=reporter.answer_preferred,
      example="'call', 'text' or 'email'", optional=True, skipped="OK, any way is fine.",
      labels=("contact method", "how to contact me", "preferred contact")),
    Q(name="statement", ask=reporter.ask_statement, answer=reporter.answer_statement,
      example="'yes', 'statement only', 'no' or 'not sure'", optional=True, skipped="OK, not sure for now.",
      labels=("statement and court", "statement", "witness statement", "court"), clear=reporter.clear_statement),
    Q(name="review", ask=review.ask_review, answer=review.answer_review, example="'submit', or 'change the time'"),
)
