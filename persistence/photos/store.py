"""Records of visit photos, scoped through their visit's household."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.errors import Conflict, NotFound
from domain.photos.model import Photo
from persistence.photos.tables import VisitPhotoRow
from persistence.registers.tables import HouseholdRow
from persistence.scoping import authored_scope
from persistence.visits.tables import VisitRow


def _to_domain(r: VisitPhotoRow) -> Photo:
    return Photo(
        id=r.id,
        visit_id=r.visit_id,
        content_type=r.content_type,
        size_bytes=r.size_bytes,
        width=r.width,
        height=r.height,
        sha256=r.sha256,
        storage_key=r.storage_key,
        created_by=r.created_by,
        created_at=r.created_at,
        client_uuid=r.client_uuid,
    )


class SqlPhotoStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, visit_id: int) -> int:
        return (
            self.session.scalar(select(func.count()).where(VisitPhotoRow.visit_id == visit_id)) or 0
        )

    def by_client_uuid(self, client_uuid: str) -> Photo | None:
        row = self.session.scalar(
            select(VisitPhotoRow).where(VisitPhotoRow.client_uuid == client_uuid)
        )
        return None if row is None else _to_domain(row)

    def add(self, photo: Photo) -> Photo:
        row = VisitPhotoRow(
            visit_id=photo.visit_id,
            storage_key=photo.storage_key,
            content_type=photo.content_type,
            size_bytes=photo.size_bytes,
            width=photo.width,
            height=photo.height,
            sha256=photo.sha256,
            created_by=photo.created_by,
            created_at=photo.created_at,
            client_uuid=photo.client_uuid,
        )
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError:
            # the same upload sent twice at once: the other one stored it
            raise Conflict(
                "photo.upload_in_progress",
                "这张照片正在上传，请稍后刷新查看",
                field="client_uuid",
            ) from None
        return _to_domain(row)

    def get(self, photo_id: int, scope: Scope) -> Photo:
        row = self.session.scalar(
            select(VisitPhotoRow)
            .join(VisitRow, VisitRow.id == VisitPhotoRow.visit_id)
            .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id)
            .where(VisitPhotoRow.id == photo_id, authored_scope(scope, VisitRow.member_id))
        )
        if row is None:
            raise NotFound("photo.not_found", f"照片 {photo_id} 不存在", field="photo_id")
        return _to_domain(row)

    def of_visit(self, visit_id: int) -> list[Photo]:
        rows = self.session.scalars(
            select(VisitPhotoRow)
            .where(VisitPhotoRow.visit_id == visit_id)
            .order_by(VisitPhotoRow.id)
        )
        return [_to_domain(r) for r in rows]

    def delete(self, photo_id: int) -> None:
        self.session.execute(delete(VisitPhotoRow).where(VisitPhotoRow.id == photo_id))
