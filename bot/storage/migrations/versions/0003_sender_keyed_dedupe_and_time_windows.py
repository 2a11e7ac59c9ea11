"""processed_messages keyed by (channel, address, message_id); reports.occurred_until for vague times

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

import bot.storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=255), nullable=False, server_default=""))
        batch_op.drop_constraint("uq_processed_messages_channel_message_id", type_="unique")
        batch_op.create_unique_constraint("uq_processed_messages_channel_address_message_id",
                                          ["channel", "address", "message_id"])
    with op.batch_alter_table("processed_messages", schema=None) as batch_op:
        batch_op.alter_column("address", server_default=None)
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurred_until", bot.storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("occurred_until")
    with op.batch_alter_table("processed_messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_processed_messages_channel_address_message_id", type_="unique")
        batch_op.create_unique_constraint("uq_processed_messages_channel_message_id", ["channel", "message_id"])
        batch_op.drop_column("address")
