"""Visit photos: add (within the visit's edit window), list, read, remove.

The image is cleaned before the transaction opens (decoding is the slow part and needs no
database); its bytes are stored before the record is committed and removed again when the
commit fails, so a record never points at nothing."""

from __future__ import annotations

import uuid
from datetime import datetime

from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict
from domain.kernel.unit_of_work import UnitOfWork
from domain.photos.events import PhotoAdded, PhotoDeleted
from domain.photos.model import PHOTO_TYPES, Photo, check_room, check_upload
from domain.photos.ports import PhotoCleaner, PhotoStorage
from domain.visits.model import check_editable
from domain.visits.services import own_only


def add_photo(
    uow: UnitOfWork,
    storage: PhotoStorage,
    clean: PhotoCleaner,
    scope: Scope,
    visit_id: int,
    *,
    data: bytes,
    content_type: str,
    max_bytes: int,
    at: datetime,
    client_uuid: str | None = None,
) -> tuple[Photo, bool]:
    """(the photo, whether it was stored before under the same ``client_uuid``)."""
    scope.require(Permission.VISIT_WRITE)
    check_upload(content_type, len(data), max_bytes=max_bytes)
    with uow:  # refuse a visit out of reach before spending time on decoding
        own_only(
            scope, uow.visits.get(visit_id, scope).member_id, "只能给本人的走访加照片", "visit_id"
        )
        seen = uow.photos.by_client_uuid(client_uuid) if client_uuid else None
    if seen is not None:
        if seen.visit_id != visit_id:
            raise Conflict("photo.uuid_reused", "该 UUID 已用于另一张照片", field="client_uuid")
        return seen, True
    photo = clean(data, content_type)
    key = f"visits/{visit_id}/{uuid.uuid4().hex}.{PHOTO_TYPES[content_type]}"
    with uow:
        visit = uow.visits.get(visit_id, scope)
        check_editable(visit, now=at)
        check_room(uow.photos.count(visit_id))
        storage.put(key, photo.data)
        try:
            stored = uow.photos.add(
                Photo(
                    id=0,
                    visit_id=visit_id,
                    content_type=photo.content_type,
                    size_bytes=len(photo.data),
                    width=photo.width,
                    height=photo.height,
                    sha256=photo.sha256,
                    storage_key=key,
                    created_by=scope.actor,
                    created_at=at,
                    client_uuid=client_uuid,
                )
            )
            uow.emit(
                PhotoAdded(
                    actor=scope.actor,
                    entity_id=stored.id,
                    household_id=visit.household_id,
                    org_path=uow.visits.household_path(visit.household_id),
                    at=at,
                    after=stored,
                )
            )
            uow.commit()
        except BaseException:
            storage.delete(key)
            raise
        return stored, False


def remove_photo(
    uow: UnitOfWork, storage: PhotoStorage, scope: Scope, photo_id: int, *, at: datetime
) -> None:
    """Within the visit's edit window only: after it, the record stands as evidence."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        photo = uow.photos.get(photo_id, scope)
        visit = uow.visits.get(photo.visit_id, scope)
        own_only(scope, visit.member_id, "只能删除本人走访的照片", "photo_id")
        check_editable(visit, now=at)
        uow.photos.delete(photo_id)
        uow.emit(
            PhotoDeleted(
                actor=scope.actor,
                entity_id=photo_id,
                household_id=visit.household_id,
                org_path=uow.visits.household_path(visit.household_id),
                at=at,
                before=photo,
            )
        )
        uow.commit()
    storage.delete(photo.storage_key)  # after the commit: a failed delete leaves an orphan file


def photos_of_visit(uow: UnitOfWork, scope: Scope, visit_id: int) -> list[Photo]:
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        uow.visits.get(visit_id, scope)
        return uow.photos.of_visit(visit_id)


def photo_bytes(
    uow: UnitOfWork, storage: PhotoStorage, scope: Scope, photo_id: int
) -> tuple[Photo, bytes]:
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        photo = uow.photos.get(photo_id, scope)
    return photo, storage.get(photo.storage_key)
