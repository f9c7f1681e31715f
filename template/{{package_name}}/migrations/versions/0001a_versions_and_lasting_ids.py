"""Give every resource table a version column and, on SQLite, ids that are never reused.

Revision ID: 0001a
Revises: 0001

For projects made before items had versions: tables created since then already have both,
and this migration leaves them alone. It follows 0001, so a project whose resources were
added after 0001 has two heads until its next resource is added (that migration merges them);
`python -m <package>.models.migrate` upgrades every head.
"""

from collections.abc import Sequence
from typing import Literal

import sqlalchemy as sa
from alembic import op

revision: str = "0001a"
down_revision: str | tuple[str, ...] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def resource_tables() -> list[str]:
    """The tables made by a resource's migration (they all have id, created_at and updated_at)."""
    inspector = sa.inspect(op.get_bind())
    found = []
    for table in inspector.get_table_names():
        columns = {column["name"] for column in inspector.get_columns(table)}
        if {"id", "created_at", "updated_at"} <= columns and "version" not in columns:
            found.append(table)
    return found


def upgrade() -> None:
    # SQLite cannot add AUTOINCREMENT to a table: it is rebuilt, its rows copied over.
    rebuild = op.get_bind().dialect.name == "sqlite"
    options = {"sqlite_autoincrement": True}
    for table in resource_tables():
        recreate: Literal["always", "auto"] = "always" if rebuild else "auto"
        with op.batch_alter_table(table, recreate=recreate, table_kwargs=options) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    """Nothing to undo safely: the version column is harmless to older code."""
