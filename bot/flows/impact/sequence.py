"""The questions of an Impact Statement for Business, in the order asked.

Each answer is stored on the draft statement at once. An original statement asks who it is from,
what it covers, the four parts (DOMAIN.md) and whether to read it aloud in court; a supplementary
statement asks only what to add. Both end with the review and the declaration.
"""

from __future__ import annotations

from bot.flows.impact import business, court, opening, review, scope
from bot.flows.impact.common import making_original, original_only, under_way
from bot.flows.impact.parts import ADDITION_QUESTIONS, PART_QUESTIONS
from bot.flows.questions import Question
from bot.storage.models import ImpactStatement

Q = Question[ImpactStatement]
WHY_BUSINESS = "The court needs to know which business the statement is for."
WHY_CONTACT = "The statement is made through a named person who can speak for the business."

QUESTIONS: tuple[Q, ...] = (
    Q(name="report", ask=opening.ask_report, answer=opening.answer_report, example="'BW-7KQM-3XZ9', or pick one",
      applies=lambda turn, statement: statement.report_id is None, in_menu=False,
      why="A statement goes with a report, so the court can put them together."),
    Q(name="supplement", ask=opening.ask_supplement, answer=opening.answer_supplement, example="'yes' or 'no'",
      applies=opening.offers_supplement, in_menu=False),
    # --- who it is from
    Q(name="business_known", ask=business.ask_business_known, answer=business.answer_business_known,
      example="'yes', or 'a different name'", applies=original_only(business.report_names_business),
      labels=("business", "business name", "company"), follow_ups=("business",), why=WHY_BUSINESS,
      in_menu=False),  # the menu's "Business" button (from the next question) asks this one first
    Q(name="business", ask=business.ask_business, answer=business.answer_business,
      example="'Kumar Retail Ltd, 12 High Street, Walsall WS1 1QL'", applies=making_original,
      labels=("business", "business name", "company"), why=WHY_BUSINESS),
    Q(name="contact_known", ask=business.ask_contact_known, answer=business.answer_contact_known,
      example="'yes', or 'someone else'", applies=original_only(business.report_names_reporter),
      labels=("point of contact", "contact", "who it is from"), follow_ups=("contact", "contact_role", "authorised"),
      why=WHY_CONTACT, in_menu=False),
    Q(name="contact", ask=business.ask_contact, answer=business.answer_contact, example="'Priya Kumar, owner'",
      applies=making_original, labels=("point of contact", "contact", "name", "who it is from"),
      follow_ups=("contact_role", "authorised"), why=WHY_CONTACT),
    Q(name="contact_role", ask=business.ask_contact_role, answer=business.answer_contact_role,
      example="'owner' or 'manager'", applies=original_only(business.role_missing), in_menu=False,
      labels=("role",), why=WHY_CONTACT),
    Q(name="authorised", ask=business.ask_authorised, answer=business.answer_authorised, example="'yes' or 'no'",
      applies=making_original, in_menu=False, takes_skip=True, why=WHY_CONTACT),
    # --- what it covers
    Q(name="covers", ask=scope.ask_covers, answer=scope.answer_covers, example="'just this report'",
      applies=making_original, labels=("what it covers", "covers", "reports", "other reports"),
      follow_ups=("covered", "repeat"), why="The court needs to know which offences it speaks about."),
    Q(name="covered", ask=scope.ask_covered, answer=scope.answer_covered, example="'BW-7KQM-3XZ9' or 'all'",
      applies=original_only(scope.covers_several), in_menu=False,
      why="Tell me which of your other reports it covers, or say 'all'."),
    Q(name="repeat", ask=scope.ask_repeat, answer=scope.answer_repeat,
      example="'the same man, about 12 times since June'", applies=original_only(scope.covers_repeat),
      labels=("repeat offending", "repeat"),
      why="The court needs to know how often it has happened."),
    Q(name="sites", ask=scope.ask_sites, answer=scope.answer_sites, example="'one site' or 'the whole business'",
      applies=making_original, labels=("sites", "site", "branches"), follow_ups=("sites_detail",),
      why="The court needs to know whether it speaks for one site or more."),
    Q(name="sites_detail", ask=scope.ask_sites_detail, answer=scope.answer_sites_detail,
      example="'High Street and Park Road shops'", applies=original_only(scope.several_sites), in_menu=False,
      optional=True, skipped="OK.", clear=scope.clear_sites_detail, labels=("which sites",)),
    # --- the four parts, or a supplementary statement's addition
    *PART_QUESTIONS,
    *ADDITION_QUESTIONS,
    # --- court
    Q(name="read_aloud", ask=court.ask_read_aloud, answer=court.answer_read_aloud,
      example="'yes, me', 'yes, the prosecutor' or 'no'", applies=making_original, optional=True,
      skipped="OK, you can tell the officer later.", clear=court.clear_read_aloud,
      labels=("read aloud", "reading aloud", "court", "read out"), follow_ups=("read_aloud_by",)),
    Q(name="read_aloud_by", ask=court.ask_reader, answer=court.answer_reader, example="'me' or 'the prosecutor'",
      applies=original_only(court.reader_unknown), optional=True, in_menu=False, skipped="OK.",
      labels=("who reads it", "reader")),
    # --- the end
    Q(name="review", ask=review.ask_review, answer=review.answer_review,
      example="'confirm', or 'change indirect costs'",
      applies=under_way, in_menu=False),
    Q(name="declaration", ask=review.ask_declaration, answer=review.answer_declaration, example="'Priya Kumar'",
      applies=under_way, in_menu=False, why="A statement is only made once it is declared true."),
)
