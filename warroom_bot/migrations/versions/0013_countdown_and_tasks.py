"""countdown and tasks: milestones, tasks, recurring tasks, key moments, the countdown post

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from warroom_bot import models

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "milestonetemplate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("milestones", sa.JSON(), nullable=False),
        sa.Column("updated_at", models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "keymoment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("title", TEXT(length=200), nullable=False),
        sa.Column("owner", TEXT(length=48), nullable=True),
        sa.Column("at", TEXT(length=5), nullable=False),
        sa.Column("remind_at", models.UTCDateTime(), nullable=True),
        sa.Column("occurs_at", models.UTCDateTime(), nullable=True),
        sa.Column("report_at", models.UTCDateTime(), nullable=True),
        sa.Column("created_by", TEXT(length=32), nullable=False),
        sa.Column("created_at", models.UTCDateTime(), nullable=False),
        sa.Column("stopped_at", models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("keymoment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_keymoment_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_keymoment_remind_at"), ["remind_at"], unique=False)

    op.create_table(
        "taskseries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("title", TEXT(length=200), nullable=False),
        sa.Column("owner", TEXT(length=48), nullable=False),
        sa.Column("every", TEXT(length=8), nullable=False),
        sa.Column("next_at", models.UTCDateTime(), nullable=True),
        sa.Column("created_by", TEXT(length=32), nullable=False),
        sa.Column("created_at", models.UTCDateTime(), nullable=False),
        sa.Column("stopped_at", models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("taskseries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taskseries_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_taskseries_next_at"), ["next_at"], unique=False)

    op.create_table(
        "task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", TEXT(length=12), nullable=False),
        sa.Column("title", TEXT(length=200), nullable=False),
        sa.Column("owner", TEXT(length=48), nullable=False),
        sa.Column("due_at", models.UTCDateTime(), nullable=False),
        sa.Column("notes", TEXT(length=500), nullable=False),
        sa.Column("state", TEXT(length=8), nullable=False),
        sa.Column("skip_reason", TEXT(length=300), nullable=True),
        sa.Column("closed_by", TEXT(length=32), nullable=True),
        sa.Column("closed_at", models.UTCDateTime(), nullable=True),
        sa.Column("created_by", TEXT(length=32), nullable=False),
        sa.Column("created_at", models.UTCDateTime(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("remind_at", models.UTCDateTime(), nullable=True),
        sa.Column("overdue_at", models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["taskseries.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_overdue_at"), ["overdue_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_remind_at"), ["remind_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_series_id"), ["series_id"], unique=False)

    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_countdown_at", models.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_campaign_next_countdown_at"), ["next_countdown_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_next_countdown_at"))
        batch_op.drop_column("next_countdown_at")

    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_series_id"))
        batch_op.drop_index(batch_op.f("ix_task_remind_at"))
        batch_op.drop_index(batch_op.f("ix_task_overdue_at"))
        batch_op.drop_index(batch_op.f("ix_task_due_at"))
        batch_op.drop_index(batch_op.f("ix_task_campaign_id"))

    op.drop_table("task")
    with op.batch_alter_table("taskseries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taskseries_next_at"))
        batch_op.drop_index(batch_op.f("ix_taskseries_campaign_id"))

    op.drop_table("taskseries")
    with op.batch_alter_table("keymoment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_keymoment_remind_at"))
        batch_op.drop_index(batch_op.f("ix_keymoment_campaign_id"))

    op.drop_table("keymoment")
    op.drop_table("milestonetemplate")
