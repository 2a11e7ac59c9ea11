"""subscriptions: crime alerts and advice, by channel, topics, areas, sector and a weekly cap

Revision ID: 0010
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

import bot.storage.types

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None

UTC = bot.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("business_name", sa.String(length=200), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("sector", sa.String(length=20), nullable=True),
        sa.Column("max_per_week", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paused_until", UTC, nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("confirmed_at", UTC, nullable=True),
        sa.Column("unsubscribed_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_subscriptions_contact_id_contacts"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("channel", "address", name="uq_subscriptions_channel_address"),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index("ix_subscriptions_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_subscriptions_contact_id"), ["contact_id"], unique=False)


def downgrade() -> None:
    op.drop_table("subscriptions")
