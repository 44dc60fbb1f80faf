"""emergency plans: team plans, plan steps, drills, resolve-by deadlines, update nudges, source links

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from warroom_bot import models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_key", TEXT(length=40), nullable=True))
        batch_op.add_column(sa.Column("plan_title", TEXT(length=120), nullable=True))
        batch_op.add_column(sa.Column("checklist_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("drill", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("resolve_by", models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("breached_at", models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("update_due_at", models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("source_link", TEXT(length=400), nullable=True))
        batch_op.create_foreign_key(
            "fk_escalation_checklist_message_id_outboxmessage", "outboxmessage", ["checklist_message_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_escalation_resolve_by"), ["resolve_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalation_update_due_at"), ["update_due_at"], unique=False)
    op.create_table(
        "planstep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", TEXT(length=300), nullable=False),
        sa.Column("role", TEXT(length=40), nullable=True),
        sa.Column("within_seconds", sa.Integer(), nullable=True),
        sa.Column("due_at", models.UTCDateTime(), nullable=True),
        sa.Column("late_at", models.UTCDateTime(), nullable=True),
        sa.Column("done_by", TEXT(length=32), nullable=True),
        sa.Column("done_at", models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("planstep", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planstep_escalation_id"), ["escalation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_planstep_due_at"), ["due_at"], unique=False)
    op.create_table(
        "emergencyplan",
        sa.Column("key", TEXT(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("updated_at", models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("emergencyplan")
    op.drop_table("planstep")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_update_due_at"))
        batch_op.drop_index(batch_op.f("ix_escalation_resolve_by"))
        batch_op.drop_constraint("fk_escalation_checklist_message_id_outboxmessage", type_="foreignkey")
        for column in (
            "source_link",
            "update_due_at",
            "breached_at",
            "resolve_by",
            "drill",
            "checklist_message_id",
            "plan_title",
            "plan_key",
        ):
            batch_op.drop_column(column)
