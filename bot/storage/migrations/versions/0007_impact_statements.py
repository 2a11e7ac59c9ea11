"""impact_statements (Impact Statements for Business and their supplementary statements) and
impact_statement_reports (the other reports a statement covers)

Revision ID: 0007
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

import bot.storage.types

revision = "0007"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC = bot.storage.types.UTCDateTime(timezone=True)
MONEY = sa.Numeric(precision=12, scale=2)


def upgrade() -> None:
    op.create_table(
        "impact_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("supplements_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("business_name", sa.String(length=200), nullable=True),
        sa.Column("business_address", sa.Text(), nullable=True),
        sa.Column("business_postcode", sa.String(length=10), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_role", sa.String(length=200), nullable=True),
        sa.Column("authorised", sa.Boolean(), nullable=True),
        sa.Column("covers", sa.String(length=16), nullable=True),
        sa.Column("repeat_offending", sa.Text(), nullable=True),
        sa.Column("sites", sa.String(length=16), nullable=True),
        sa.Column("sites_detail", sa.Text(), nullable=True),
        sa.Column("financial_text", sa.Text(), nullable=True),
        sa.Column("financial_gbp", MONEY, nullable=True),
        sa.Column("damage_text", sa.Text(), nullable=True),
        sa.Column("damage_gbp", MONEY, nullable=True),
        sa.Column("indirect_text", sa.Text(), nullable=True),
        sa.Column("indirect_gbp", MONEY, nullable=True),
        sa.Column("non_financial_text", sa.Text(), nullable=True),
        sa.Column("addition_text", sa.Text(), nullable=True),
        sa.Column("addition_gbp", MONEY, nullable=True),
        sa.Column("read_aloud", sa.Boolean(), nullable=True),
        sa.Column("read_aloud_by", sa.String(length=200), nullable=True),
        sa.Column("declared_name", sa.String(length=200), nullable=True),
        sa.Column("declared_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_impact_statements_report_id_reports"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplements_id"], ["impact_statements.id"],
                                name=op.f("fk_impact_statements_supplements_id_impact_statements"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_impact_statements_contact_id_contacts"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_statements")),
    )
    with op.batch_alter_table("impact_statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impact_statements_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_impact_statements_supplements_id"), ["supplements_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_impact_statements_contact_id"), ["contact_id"], unique=False)
    op.create_table(
        "impact_statement_reports",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["statement_id"], ["impact_statements.id"],
                                name=op.f("fk_impact_statement_reports_statement_id_impact_statements"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"],
                                name=op.f("fk_impact_statement_reports_report_id_reports"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("statement_id", "report_id", name=op.f("pk_impact_statement_reports")),
    )
    with op.batch_alter_table("impact_statement_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impact_statement_reports_report_id"), ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("impact_statement_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impact_statement_reports_report_id"))
    op.drop_table("impact_statement_reports")
    with op.batch_alter_table("impact_statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impact_statements_contact_id"))
        batch_op.drop_index(batch_op.f("ix_impact_statements_supplements_id"))
        batch_op.drop_index(batch_op.f("ix_impact_statements_report_id"))
    op.drop_table("impact_statements")
