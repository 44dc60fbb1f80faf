"""escalation timeline events as data (kind, actor, data) instead of Slack text

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 17:00:00.000000

Existing events keep their words: each becomes a `note` whose data holds the old text (and the kind
it had, under `former_kind`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

events = sa.table(
    "escalationevent",
    sa.column("id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("text", sa.String()),
    sa.column("data", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("escalationevent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data", sa.JSON(), nullable=True))
    connection = op.get_bind()
    for event_id, kind, text in connection.execute(sa.select(events.c.id, events.c.kind, events.c.text)).all():
        connection.execute(
            events.update().where(events.c.id == event_id).values(kind="note", data={"text": text, "former_kind": kind})
        )
    with op.batch_alter_table("escalationevent", schema=None) as batch_op:
        batch_op.alter_column("data", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("text")


def downgrade() -> None:
    with op.batch_alter_table("escalationevent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    connection = op.get_bind()
    for event_id, kind, data in connection.execute(sa.select(events.c.id, events.c.kind, events.c.data)).all():
        connection.execute(
            events.update()
            .where(events.c.id == event_id)
            .values(text=(data or {}).get("text") or kind, kind=(data or {}).get("former_kind") or kind)
        )
    with op.batch_alter_table("escalationevent", schema=None) as batch_op:
        batch_op.alter_column("text", existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False)
        batch_op.drop_column("data")
