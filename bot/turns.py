"""Loading and saving a turn: the conversation and contact rows, the typed state, the reply row.

A turn reads its conversation with a row lock (one person's turns are serialised on PostgreSQL)
and writes it back with one prebuilt UPDATE; the reply goes to the outbox as one row that also
records the inbound message as handled. Everything happens in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, bindparam, inspect, select, update
from sqlalchemy.orm import Session

from bot.delivery.outbox import record_reply
from bot.flows.base import Flow, Turn
from bot.messages import Inbound
from bot.state import ConversationState, FlowState
from bot.storage.models import Contact, Conversation

_CONVERSATIONS = cast(Table, Conversation.__table__)
# Built once: the conversation changes on every turn, and a plain UPDATE is far cheaper than the
# unit of work's change tracking (once the largest share of a turn's CPU).
SAVE_CONVERSATION = update(_CONVERSATIONS).where(_CONVERSATIONS.c.id == bindparam("id_")).values(
    flow=bindparam("flow"), step=bindparam("step"), data=bindparam("data"), last_active_at=bindparam("last_active_at"))


# Written from the turn itself rather than from the state object: the options just offered and the
# flow's own state.
STATE_WRITTEN_HERE = {"buttons", "flow"}


@dataclass
class Loaded:
    conversation: Conversation
    contact: Contact
    state: ConversationState


def load(session: Session, inbound: Inbound, now: datetime) -> Loaded:
    """This sender's conversation and contact (created on first contact), locked for the turn."""
    # One statement for both rows (they share their key); FOR UPDATE serialises one person's turns.
    row = session.execute(
        select(Conversation, Contact)
        .outerjoin(Contact, and_(Contact.channel == Conversation.channel, Contact.address == Conversation.address))
        .where(Conversation.channel == inbound.channel, Conversation.address == inbound.address)
        .with_for_update(of=Conversation)
    ).one_or_none()
    conversation, contact = row if row is not None else (None, None)
    if conversation is None:
        conversation = Conversation(channel=inbound.channel, address=inbound.address, data={},
                                    created_at=now, last_active_at=now)
        session.add(conversation)
    if contact is None:
        contact = session.scalars(select(Contact).where(
            Contact.channel == inbound.channel, Contact.address == inbound.address)).one_or_none()
    if contact is None:
        contact = Contact(channel=inbound.channel, address=inbound.address, created_at=now, updated_at=now)
        session.add(contact)
    session.flush()
    return Loaded(conversation, contact, ConversationState.load(conversation.data))


def flow_state(flow: Flow | None, state: ConversationState) -> FlowState:
    """The flow under way's own state, typed by the flow (a fresh one if nothing is under way)."""
    return flow.State.model_validate(state.flow) if flow is not None else FlowState()


def save(session: Session, turn: Turn, flow_active: bool) -> None:
    """Write the conversation back (options offered, engine and flow state, last active)."""
    last_buttons = next((m.buttons for m in reversed(turn.reply.messages) if m.buttons), ())
    data = turn.state.model_dump(mode="json", exclude_defaults=True, exclude=STATE_WRITTEN_HERE)
    if last_buttons:
        data["buttons"] = [b.payload for b in last_buttons]
    if flow_active:
        data["flow"] = turn.flow_state.model_dump(mode="json", exclude_defaults=True)
    conversation = turn.conversation
    if inspect(conversation).persistent:
        session.expunge(conversation)
        session.execute(SAVE_CONVERSATION, {"id_": conversation.id, "flow": conversation.flow,
                                            "step": conversation.step, "data": data, "last_active_at": turn.now})
    else:
        conversation.data = data
        conversation.last_active_at = turn.now
    session.flush()


def finish(session: Session, turn: Turn, flow_active: bool) -> None:
    """Save the conversation and queue the reply (which also records the message as handled)."""
    save(session, turn, flow_active)
    record_reply(session, turn.inbound.channel, turn.inbound.address, turn.inbound.message_id,
                 turn.reply.messages, turn.now)
