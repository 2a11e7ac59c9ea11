"""The Impact Statement for Business conversation, as transcripts: offered after a report, from a reference,
on its own; by web and by SMS; refusing views on sentence; amounts and the running total; review, declaration,
supplementary statements; and only ever for the person's own reports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.advice.gsm7 import is_gsm7
from bot.channels import SMS, render_plain
from bot.storage.models import Conversation, ImpactStatement, ImmutableStatement, OutboxMessage
from conftest import Chat
from dialog import verify_dialog
from nlu.reference import check_character, format_reference
from statement_support import send_report, statements

# From the start of a statement about a report with a business and a reporter, to the review.
TO_REVIEW = [
    ("yes", "point of contact"),  # the business in the report
    ("yes", "authorised to speak for the business"),  # the reporter is the point of contact
    ("yes", "what does the statement cover"),
    ("just this report", "one site, several sites"),
    ("one site", "part 1 of 4"),
    ("yes", "running total: £80"),  # the loss the report gave
    ("none", "part 3 of 4"),
    ("we closed for the afternoon and lost about £600 of trade", "running total: £680"),
    ("Two of my staff are frightened to work evenings now and one is off sick", "read aloud"),
    ("yes, the prosecutor", "here's your statement"),
]


def declared(chat: Chat, sessions) -> ImpactStatement:
    verify_dialog(chat, [("confirm", "type your full name"), ("Priya Kumar", "is made, dated")])
    [statement] = [s for s in statements(sessions) if s.supplements_id is None]
    return statement


def test_offered_after_every_report_as_a_button_and_made_to_the_end(chat, sessions, clock):
    reference = send_report(chat)
    assert "Make an impact statement" in chat.buttons
    payload = next(b.payload for r in chat.replies for b in r.buttons if b.title == "Make an impact statement")
    verify_dialog(chat, [(payload, f"this is for your report {reference}"), *TO_REVIEW])
    review = chat.text
    assert "1. Direct financial loss: 6 steaks; a leg of lamb taken (£80)" in review
    assert "2. Damage to buildings and property: None" in review
    assert "3. Indirect costs: we closed for the afternoon and lost about £600 of trade (£600)" in review
    assert "Total stated: £680" in review and "Read aloud in court: yes, by the prosecutor" in review
    statement = declared(chat, sessions)
    assert statement.status == "declared" and statement.declared_name == "Priya Kumar"
    assert statement.declared_at == clock.now
    assert statement.report.reference == reference and statement.covers == "this_report" and statement.sites == "one"
    assert statement.business_name == "Kumar's Convenience Store" and statement.business_postcode == "WS1 1QL"
    assert (statement.contact_name, statement.contact_role, statement.authorised) == ("Priya Kumar", "owner", True)
    assert statement.financial_gbp == Decimal("80") and statement.indirect_gbp == Decimal("600")
    assert statement.damage_text == "" and statement.damage_gbp is None
    assert statement.non_financial_text.startswith("Two of my staff are frightened")
    assert statement.read_aloud is True and statement.read_aloud_by == "the prosecutor"
    with sessions() as session:
        assert session.scalars(select(Conversation.flow)).one() is None  # the conversation is over


def test_from_a_reference_and_on_its_own(chat, sessions):
    first = send_report(chat)
    second = send_report(chat)
    verify_dialog(chat, [(f"i'd like to do an impact statement for {first.lower()}", f"your report {first}")])
    verify_dialog(chat, [("cancel", "stop this impact statement"), ("yes", "nothing of the statement has been kept")])
    assert statements(sessions) == []
    verify_dialog(chat, [("I want to make an impact statement", "which of your reports")])
    assert len(chat.buttons) == 2 and chat.buttons[0].startswith(second)
    verify_dialog(chat, [(first, f"this is for your report {first}")])


def test_a_reference_alone_never_opens_someone_elses_report(engine, sessions):
    owner, stranger = Chat(engine, address="owner"), Chat(engine, address="stranger")
    reference = send_report(owner)
    send_report(stranger)
    said = stranger.say(f"impact statement for {reference}")
    assert f"can't find a report {reference} sent from this chat" in said
    assert "Kumar" not in said and "shop theft" not in said
    # The same answer as for a reference nobody has (apart from the reference itself).
    nobody = format_reference("2222222" + check_character("2222222"))
    assert stranger.say(f"impact statement for {nobody}").replace(nobody, "REF") == said.replace(reference, "REF")
    assert "doesn't look right" in stranger.say("impact statement for BW-0000-0000")
    assert statements(sessions) == []
    # Their own statement cannot reach it either: "several reports" offers only their own.
    verify_dialog(stranger, [("I want to make an impact statement", "this is for your report"),
                             ("yes", "point of contact"), ("yes", "authorised"), ("yes", "cover"),
                             ("several of my reports", "you have only this one report here")])
    with sessions() as session:
        assert session.scalars(select(ImpactStatement)).one().covered == []


def test_no_reports_yet(chat, sessions):
    verify_dialog(chat, [("can I make an impact statement for the business",
                          "can't find any reports sent from this chat")])
    assert chat.buttons == ["Report a crime"] and statements(sessions) == []


@pytest.mark.parametrize("opinion", [
    "he should go to prison",
    "a ban",
    "lock him up",
    "I want him banned from every shop in town. He belongs in jail",
    "he should be jailed",
    "a ban for him would be good",
    "they need locking up and throwing away the key",
    "hope he gets jail time for this",
    "i dont want him sent to prison, he needs help",
])
def test_a_view_on_sentence_is_refused_kindly_asked_again_and_never_kept(chat, sessions, opinion):
    send_report(chat)
    verify_dialog(chat, [("impact statement for my last report", "is the statement for"), *TO_REVIEW[:8]])
    assert "part 4 of 4" in chat.text.lower()
    reply = chat.say(opinion)
    assert "the court decides the sentence" in reply and "haven't kept that answer" in reply
    assert "Part 4 of 4" in reply  # asked again
    verify_dialog(chat, [("The staff are frightened and we had to close early for a week", "read aloud")])
    [statement] = statements(sessions)
    kept = " ".join(str(v) for v in vars(statement).values())
    assert opinion.lower() not in kept.lower()
    with sessions() as session:
        bodies = " ".join(str(row.body) for row in session.scalars(select(OutboxMessage)))
        data = " ".join(str(row.data) for row in session.scalars(select(Conversation)))
    assert opinion.lower() not in bodies.lower() and opinion.lower() not in data.lower()


def test_a_view_on_sentence_after_the_impact_is_left_out_and_the_rest_kept(chat, sessions):
    send_report(chat)
    verify_dialog(chat, [("impact statement for my last report", "is the statement for"), *TO_REVIEW[:8]])
    reply = chat.say("Staff are scared to open up on their own. He should be jailed for this! "
                     "Two regular customers have stopped coming in.")
    assert "I've left out what you said about the sentence" in reply and "kept the rest" in reply
    assert "read aloud" in reply.lower()  # the answer was taken: on to the next question
    [statement] = statements(sessions)
    assert statement.non_financial_text == ("Staff are scared to open up on their own. "
                                            "Two regular customers have stopped coming in.")
    with sessions() as session:
        bodies = " ".join(str(row.body) for row in session.scalars(select(OutboxMessage)))
        data = " ".join(str(row.data) for row in session.scalars(select(Conversation)))
    assert "jailed" not in " ".join(str(v) for v in vars(statement).values()) + bodies + data


def test_amounts_are_read_totalled_and_checked(chat, sessions):
    send_report(chat)
    verify_dialog(chat, [("impact statement for my last report", "is the statement for"), *TO_REVIEW[:5]])
    verify_dialog(chat, [
        ("no", "tell me in your own words instead"),  # not the report's figure: not "no loss" either
        ("stock worth £450 and £200 from the till", "is the total for this part £650"),
        ("yes", "running total: £650"),
        ("back door forced", "how much"),
        ("about 300 quid", "running total: £950"),
        ("security guard for 2 weeks £1,200, lost trade £800, total £2,000", "running total: £2,950"),
    ])
    assert "Part 4 of 4" in chat.text
    verify_dialog(chat, [("back", "part 3 of 4"), ("staff overtime", "how much"),
                         ("£99999999", "more than i'd expect"), ("don't know", "part 4 of 4")])
    [statement] = statements(sessions)
    assert (statement.financial_gbp, statement.damage_gbp) == (Decimal("650"), Decimal("300"))
    assert statement.indirect_text == "staff overtime" and statement.indirect_gbp is None


def test_skip_is_never_stored_and_every_part_can_be_changed_at_the_review(chat, sessions):
    send_report(chat)
    verify_dialog(chat, [("impact statement for my last report", "is the statement for"), *TO_REVIEW[:6],
                         ("skip", "part 3 of 4"), ("skip", "part 4 of 4"), ("skip", "read aloud"),
                         ("not sure", "here's your statement")])
    assert "2. Damage to buildings and property: Not stated" in chat.text
    assert "Read aloud in court: not decided" in chat.text
    [statement] = statements(sessions)
    assert statement.damage_text is None and statement.indirect_text is None and statement.read_aloud is None
    verify_dialog(chat, [("change something", "which part")])
    parts = {"Business", "Point of contact", "What it covers", "Sites", "Direct financial loss", "Damage",
             "Indirect costs", "Impact beyond money", "Read aloud"}
    assert parts <= set(chat.buttons) and len(chat.buttons) == len(set(chat.buttons))
    verify_dialog(chat, [("back", "here's your statement"),
                         ("change indirect costs", "part 3 of 4"),
                         ("new shutters and a guard, £1,500 in all", "running total: £1,580")])
    assert "here's your statement" in chat.text.lower()
    assert "3. Indirect costs: new shutters and a guard, £1,500 in all (£1,500)" in chat.text
    verify_dialog(chat, [("the loss is wrong", "part 1 of 4"), ("£120 of meat", "running total: £1,620")])
    assert "Total stated: £1,620" in chat.text


def test_a_statement_with_nothing_in_it_cannot_be_declared(chat, sessions):
    send_report(chat)
    verify_dialog(chat, [("impact statement for my last report", "is the statement for"), *TO_REVIEW[:5],
                         ("none", "part 2"), ("none", "part 3"), ("none", "part 4"), ("none", "read aloud"),
                         ("no", "here's your statement"), ("confirm", "nothing in the statement yet")])


def test_the_declaration_is_the_point_of_contacts_typed_name(chat, sessions):
    send_report(chat)
    verify_dialog(chat, [("impact statement for my last report", "is the statement for"), *TO_REVIEW,
                         ("confirm", "liable to prosecution if i have wilfully stated"),
                         ("yes", "type your full name"),
                         ("Sam Patel", "isn't the name of the point of contact, priya kumar"),
                         ("change point of contact", "is that you, priya kumar"),
                         ("someone else", "who is the named point of contact"),
                         ("Sam Patel, store manager", "is sam patel authorised"),
                         ("yes", "here's your statement"),
                         ("confirm", "type your full name (sam patel)"),
                         ("Priya Kumar", "isn't the name of the point of contact, sam patel"),
                         ("sam  PATEL", "is made, dated sunday 22 november 2026")])
    [statement] = statements(sessions)
    assert statement.status == "declared" and statement.declared_name == "sam  PATEL"
    assert (statement.contact_name, statement.contact_role) == ("Sam Patel", "store manager")


def test_once_declared_it_cannot_change_only_be_added_to(chat, sessions):
    reference = send_report(chat)
    verify_dialog(chat, [("impact statement for my last report", "is the statement for"), *TO_REVIEW])
    original = declared(chat, sessions)
    verify_dialog(chat, [("change indirect costs", "nothing under way")])
    with sessions() as session, pytest.raises(ImmutableStatement):
        stored = session.get(ImpactStatement, original.id)
        stored.indirect_gbp = Decimal("1")
        session.flush()
    with sessions() as session, pytest.raises(ImmutableStatement):
        session.delete(session.get(ImpactStatement, original.id))
        session.flush()
    # A supplementary statement: offered by the same conversation, with its own declaration and date.
    verify_dialog(chat, [
        (f"impact statement for {reference}", "add a supplementary statement"),
        ("yes", "what would you like to add"),
        ("he came back and we've now paid £350 for a new lock", "running total: £350"),
        ("confirm", "type your full name"),
        ("Priya Kumar", "your supplementary statement for"),
    ])
    after = statements(sessions)
    assert len(after) == 2
    kept, added = after
    columns = [column.key for column in ImpactStatement.__table__.columns]
    assert [getattr(kept, c) for c in columns] == [getattr(original, c) for c in columns]
    assert added.supplements_id == original.id and added.status == "declared"
    assert added.addition_gbp == Decimal("350") and added.contact_name == "Priya Kumar"
    # Saying no adds nothing and leaves no draft behind.
    verify_dialog(chat, [(f"ISB for {reference}", "add a supplementary statement"), ("no thanks", "nothing added")])
    assert len(statements(sessions)) == 2


def test_staff_who_cannot_speak_for_the_business_are_told_kindly_about_their_own_statement(chat, sessions):
    send_report(chat)
    verify_dialog(chat, [("impact statement for my last report", "is the statement for"), ("yes", "is that you"),
                         ("someone else", "who is the named point of contact"),
                         ("Sam, shop assistant", "is sam authorised"),
                         ("no", "victim personal statement")])
    assert "thank you for wanting to help" in chat.text.lower()
    assert statements(sessions) == []
    with sessions() as session:  # nor the replies that echoed it
        assert "Sam" not in " ".join(str(row.body) for row in session.scalars(select(OutboxMessage))
                                     if row.body and "Victim Personal Statement" not in str(row.body))


def test_several_reports_or_the_same_offender_again_and_again(engine, sessions):
    chat, other = Chat(engine, address="shop"), Chat(engine, address="other-shop")
    first, second, third = send_report(chat), send_report(chat), send_report(chat)
    elsewhere = send_report(other)
    verify_dialog(chat, [(f"impact statement for {first}", "is the statement for"), *TO_REVIEW[:3],
                         ("several of my reports", "which other reports"),
                         (f"{second} and {elsewhere}", f"can't find a report {elsewhere}"),
                         (second, f"noted: {second}"),
                         ("change what it covers", "what does the statement cover"),
                         ("the same lad keeps coming back", "repeat offending"),
                         (f"about 12 times since June, see {third} and {elsewhere}", f"with your reports {third}")])
    [statement] = statements(sessions)
    with sessions() as session:
        stored = session.get(ImpactStatement, statement.id)
        assert [r.reference for r in stored.covered] == [third]
    assert statement.covers == "repeat_offender" and "12 times" in statement.repeat_offending


def test_by_sms_every_reply_is_gsm7_and_options_are_numbered(engine, sessions):
    sms = Chat(engine, channel="sms", address="+447700900123")
    script = ["someone nicked £80 of meat this morning", "1", "Kumar's Convenience Store, 12 High Street, Walsall "
              "WS1 1QL", "he put 6 steaks in his bag", "skip", "2", "no", "Priya Kumar, owner, 07700 900123", "2", "1",
              "submit"]
    for line in script:
        sms.say(line)
    options = [b.title for r in sms.replies for b in r.buttons]
    number = options.index("Make an impact statement") + 1
    seen = []
    for line in [str(number), "1", "1", "1", "1", "1", "1", "help", "1", "closed early, lost £300", "he should be "
                 "locked up", "staff are scared", "2", "1", "Priya Kumar"]:
        sms.say(line)
        for reply in sms.replies:
            text = render_plain(reply, compact=True)
            assert is_gsm7(text), f"after {line!r}: {[c for c in text if not is_gsm7(c)]}"
            seen.append(text)
    transcript = "\n".join(seen)
    assert "Reply 1 Yes, 2 A different name" in transcript and "'delete'" in transcript and "'cancel'" not in transcript
    assert "the court decides the sentence" in transcript
    assert "is made, dated" in sms.text
    [statement] = statements(sessions)
    assert statement.status == "declared" and statement.indirect_gbp == Decimal("300")
    assert statement.read_aloud is False
    assert max(len(t) for t in seen) <= SMS.max_length * 2


def test_by_sms_on_its_own_a_report_is_picked_by_its_number(engine, sessions):
    from datetime import datetime, timezone

    from statement_support import stored_report

    address = "+447700900456"
    with sessions.begin() as session:
        older = stored_report(session, channel="sms", address=address).reference
        newer = stored_report(session, channel="sms", address=address, crime_type="criminal_damage",
                              details={"damage": "front window smashed"}, value_gbp=350,
                              submitted_at=datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)).reference
    sms = Chat(engine, channel="sms", address=address)
    sms.say("i want to do an ISB")
    [question] = [r for r in sms.replies if r.buttons]
    text = render_plain(question, compact=True)
    assert "Which of your reports" in text and f"Reply 1 {newer}, criminal damage" in text and f"2 {older}" in text
    verify_dialog(sms, [("1", f"this is for your report {newer}"), ("1", "is that you, priya kumar"),
                        ("1", "authorised"), ("1", "cover"), ("1", "one site"), ("1", "part 1 of 4"),
                        ("none", "your report says: front window smashed, £350")])
    assert all(is_gsm7(render_plain(r, compact=True)) for r in sms.replies)
