"""the war-room wall: read-only links, stored hashed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from warroom_bot import models

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "walllink",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", TEXT(length=64), nullable=False),
        sa.Column("created_by", TEXT(length=32), nullable=False),
        sa.Column("created_at", models.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("walllink", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_walllink_campaign_id"), ["campaign_id"], unique=False)


def downgrade() -> None:
    op.drop_table("walllink")
