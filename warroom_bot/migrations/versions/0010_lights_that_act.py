"""lights that act: KPI owners, reading versions, alert states, and light-raised escalations

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from warroom_bot import models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
# The default KPIs' owners (`metrics.service.DEFAULT_KPIS`), given to the campaigns already running.
DEFAULT_OWNERS = {
    "lead:sales": ("gmv", "orders", "aov"),
    "lead:marketing": ("visitors", "conversion", "new_customers"),
    "lead:supply_chain": ("inventory",),
    "lead:tech": ("response_time",),
    "lead:customer_service": ("complaints",),
}
kpis = sa.table("kpi", sa.column("key", sa.String()), sa.column("owner", sa.String()))


def upgrade() -> None:
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner", TEXT(length=40), nullable=True))
    for owner, keys in DEFAULT_OWNERS.items():
        op.execute(kpis.update().where(kpis.c.key.in_(keys)).values(owner=owner))
    with op.batch_alter_table("latestreading", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kpi_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("dimension", TEXT(length=60), nullable=True))
        batch_op.add_column(sa.Column("light", TEXT(length=8), nullable=True))
        batch_op.add_column(sa.Column("owner", TEXT(length=40), nullable=True))
        batch_op.add_column(sa.Column("bad_since", models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("recovered_at", models.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key("fk_escalation_kpi_id_kpi", "kpi", ["kpi_id"], ["id"])
    op.create_table(
        "kpialert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("dimension", TEXT(length=60), nullable=False),
        sa.Column("seen_version", sa.Integer(), nullable=False),
        sa.Column("light", TEXT(length=8), nullable=True),
        sa.Column("pending_light", TEXT(length=8), nullable=True),
        sa.Column("pending_since", models.UTCDateTime(), nullable=True),
        sa.Column("pending_readings", sa.Integer(), nullable=False),
        sa.Column("bad_since", models.UTCDateTime(), nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("silent_since", models.UTCDateTime(), nullable=True),
        sa.Column("check_at", models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalation.id"]),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kpi_id", "dimension", name="uq_kpi_alert"),
    )
    with op.batch_alter_table("kpialert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpialert_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kpialert_check_at"), ["check_at"], unique=False)


def downgrade() -> None:
    op.drop_table("kpialert")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_escalation_kpi_id_kpi", type_="foreignkey")
        for column in ("recovered_at", "bad_since", "owner", "light", "dimension", "kpi_id"):
            batch_op.drop_column(column)
    with op.batch_alter_table("latestreading", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_column("owner")
