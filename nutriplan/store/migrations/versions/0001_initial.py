"""The first schema: clients, profile versions and plans.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("plan_options", sa.JSON, nullable=True),
        sa.Column("target_options", sa.JSON, nullable=True),
    )
    op.create_table(
        "profile_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("client_id", "version", name="uq_profile_versions_client_version"),
    )
    op.create_index("ix_profile_versions_client_id", "profile_versions", ["client_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.Integer, sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
        sa.Column("profile_version_id", sa.Integer,
                  sa.ForeignKey("profile_versions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plans_client_id", "plans", ["client_id"])


def downgrade() -> None:
    op.drop_table("plans")
    op.drop_table("profile_versions")
    op.drop_table("clients")
