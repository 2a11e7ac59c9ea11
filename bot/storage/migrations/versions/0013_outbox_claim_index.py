"""outbox: ix_outbox_claim (channel, status, urgent, next_attempt_at, id), so that claiming the next rows of a
channel walks an index in order instead of sorting every due row (a campaign queues 100,000 at once)

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_claim", "outbox", ["channel", "status", "urgent", "next_attempt_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_claim", table_name="outbox")
