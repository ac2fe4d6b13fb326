"""Plans remember the plan they were replanned from (``plans.derived_from_id``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch mode: SQLite cannot add a foreign key with ALTER TABLE, so the table is copied there
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("derived_from_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_plans_derived_from_id", "plans", ["derived_from_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_constraint("fk_plans_derived_from_id", type_="foreignkey")
        batch.drop_column("derived_from_id")
