"""report_status_changes: the police status history of each report (received rows for reports already sent)

Revision ID: 0008
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

import bot.storage.types

revision = "0008"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC = bot.storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("crime_number", sa.String(length=40), nullable=True),
        sa.Column("officer", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("told", sa.String(length=16), nullable=False),
        sa.Column("not_told_reason", sa.String(length=32), nullable=True),
        sa.Column("notice_key", sa.String(length=200), nullable=True),
        sa.Column("notice_due_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_status_changes_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_status_changes")),
        sa.UniqueConstraint("report_id", "seq", name="uq_report_status_changes_report_id_seq"),
    )
    # Every report already sent was received when it was sent, and the reporter was told so in the chat.
    reports = sa.table("reports", sa.column("id"), sa.column("status"), sa.column("submitted_at"),
                       sa.column("created_at"))
    changes = sa.table("report_status_changes", sa.column("report_id"), sa.column("seq"), sa.column("status"),
                       sa.column("at"), sa.column("changed_by"), sa.column("urgent"), sa.column("told"))
    op.execute(changes.insert().from_select(
        ["report_id", "seq", "status", "at", "changed_by", "urgent", "told"],
        sa.select(reports.c.id, sa.literal(1), sa.literal("received"),
                  sa.func.coalesce(reports.c.submitted_at, reports.c.created_at), sa.literal("bizwatch"), sa.false(),
                  sa.literal("in_chat")).where(reports.c.status == "submitted"),
    ))


def downgrade() -> None:
    op.drop_table("report_status_changes")
