"""The photos feature's request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from domain.photos.model import Photo


class PhotoOut(BaseModel):
    id: int
    visit_id: int
    content_type: str
    size_bytes: int
    width: int
    height: int
    sha256: str
    url: str
    created_at: datetime
    duplicate: bool = Field(default=False, description="同一 client_uuid 已上传过：未再存一份")

    @classmethod
    def from_domain(cls, p: Photo, *, duplicate: bool = False) -> PhotoOut:
        return cls(
            id=p.id,
            visit_id=p.visit_id,
            content_type=p.content_type,
            size_bytes=p.size_bytes,
            width=p.width,
            height=p.height,
            sha256=p.sha256,
            url=f"/api/v1/photos/{p.id}",
            created_at=p.created_at,
            duplicate=duplicate,
        )
