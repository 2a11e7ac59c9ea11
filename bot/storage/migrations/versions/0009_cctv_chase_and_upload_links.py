"""cctv_status_changes (the CCTV status history) and upload_links (one-time, expiring upload links)

Revision ID: 0009
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

from bot.storage.types import UTCDateTime

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cctv_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_cctv_status_changes_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cctv_status_changes")),
    )
    op.create_index(op.f("ix_cctv_status_changes_report_id"), "cctv_status_changes", ["report_id"], unique=False)
    op.create_table(
        "upload_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_upload_links_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_links")),
        sa.UniqueConstraint("token_id", name=op.f("uq_upload_links_token_id")),
    )
    op.create_index(op.f("ix_upload_links_report_id"), "upload_links", ["report_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_upload_links_report_id"), table_name="upload_links")
    op.drop_table("upload_links")
    op.drop_index(op.f("ix_cctv_status_changes_report_id"), table_name="cctv_status_changes")
    op.drop_table("cctv_status_changes")
