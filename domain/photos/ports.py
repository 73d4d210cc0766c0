"""Visit photos (走访照片): their records, their bytes and the cleaner that strips them."""

from __future__ import annotations

from typing import Protocol

from domain.kernel.access import Scope
from domain.photos.model import CleanPhoto, Photo


class PhotoStore(Protocol):
    """The records of visit photos (the bytes are in ``PhotoStorage``)."""

    def count(self, visit_id: int) -> int: ...
    def by_client_uuid(self, client_uuid: str) -> Photo | None: ...
    def add(self, photo: Photo) -> Photo: ...
    def get(self, photo_id: int, scope: Scope) -> Photo: ...
    def of_visit(self, visit_id: int) -> list[Photo]: ...
    def delete(self, photo_id: int) -> None: ...


class PhotoStorage(Protocol):
    """Where photo bytes live: local disk by default, an object store in a bigger installation."""

    def put(self, key: str, data: bytes) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...


class PhotoCleaner(Protocol):
    """Decodes an upload, refuses what is not a real image of its declared type, and re-encodes
    it without metadata."""

    def __call__(self, data: bytes, content_type: str) -> CleanPhoto: ...
