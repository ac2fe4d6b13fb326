"""The client store's tables (SQLAlchemy 2 declarative models). The schema is created and changed
only by the Alembic migrations in ``migrations/versions``; these classes mirror the newest one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


class ClientRow(Base):
    """A client: a unique name, when the record was made, and the default plan options (JSON of
    ``PlanOptions``) and target options (e.g. ``vitamin_d_override_iu``) of the client's plans."""

    __tablename__ = "clients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    plan_options: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    target_options: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class ProfileVersionRow(Base):
    """One version of a client's profile (JSON of ``Profile``: body, labs and their date,
    preferences); versions count 1, 2, 3... per client and are never changed."""

    __tablename__ = "profile_versions"
    __table_args__ = (UniqueConstraint("client_id", "version", name="uq_profile_versions_client_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    profile: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class PlanRow(Base):
    """A plan made for a client: the plan (JSON of ``plan_to_dict``), its options, the profile
    version it was made from, when, and the plan it was replanned from (if any)."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True)
    profile_version_id: Mapped[int] = mapped_column(ForeignKey("profile_versions.id", ondelete="CASCADE"),
                                                    nullable=False)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    options: Mapped[dict] = mapped_column(JSON, nullable=False)
    plan: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    #: the plan this one was replanned from (migration 0002); None for a plan made afresh
    derived_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL", name="fk_plans_derived_from_id"), nullable=True)
