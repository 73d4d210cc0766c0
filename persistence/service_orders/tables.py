"""Service orders (服务订单), their append-only timelines and their photos."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, CodeType, PathType, Timestamp


class ServiceOrderRow(Base):
    """An order as it stands now (``domain.service_orders.model.ServiceOrder``); its history is
    its timeline (``ServiceOrderEntryRow``), and ``version`` is how long that is. Its places:
    the household's grid (which dispatches) and the grid's village (whose members take it), each
    as id and materialised path, so an area's list is one range scan."""

    __tablename__ = "service_orders"
    __table_args__ = (
        # An area's list: by status, the grid's path (a subtree is a range), soonest deadline.
        Index("ix_service_orders_list", "status", "grid_path", "due"),
        # The open list of a village (接单) and a member's load.
        Index("ix_service_orders_area", "area_org_id", "status"),
        Index("ix_service_orders_taker", "taker_id", "status"),
        Index("ix_service_orders_assignee", "assignee_id", "status"),
        # A card's daily limit, and a sender's own ids.
        Index("ix_service_orders_ordered_by", "ordered_by", "ordered_at"),
        UniqueConstraint("ordered_by", "client_ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    grid_org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    grid_path: Mapped[str] = mapped_column(PathType)
    area_org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    area_path: Mapped[str] = mapped_column(PathType)
    ordered_by: Mapped[str] = mapped_column(String(100))
    ordered_at: Mapped[datetime] = mapped_column(Timestamp())
    status: Mapped[str] = mapped_column(String(20))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    taker_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # The step under way (接单 / 服务) and its time limit; null when none runs.
    step: Mapped[str | None] = mapped_column(String(10))
    step_started_at: Mapped[datetime | None] = mapped_column(Timestamp())
    due: Mapped[datetime | None] = mapped_column(Timestamp())
    note: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(30))
    rating_reason: Mapped[str] = mapped_column(Text, default="")
    client_ref: Mapped[str | None] = mapped_column(CodeType)
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer)  # the timeline's length


class ServiceOrderEntryRow(Base):
    """One entry of an order's timeline. Append-only: the database refuses UPDATE and DELETE
    (migration 0017), as on the issues' timeline."""

    __tablename__ = "service_order_timeline"

    order_id: Mapped[int] = mapped_column(ForeignKey("service_orders.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    member_id: Mapped[int | None] = mapped_column(Integer)
    due: Mapped[datetime | None] = mapped_column(Timestamp())


class ServiceOrderPhotoRow(Base):
    """A photo of the service done; the bytes live in the photo storage (as visits')."""

    __tablename__ = "service_order_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("service_orders.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    client_uuid: Mapped[str | None] = mapped_column(CodeType, unique=True)
