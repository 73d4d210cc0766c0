"""Photos taken on a visit (走访照片): which kinds are accepted, how many, and how big.

The rules live here; decoding and cleaning the image (re-encoding without its EXIF metadata,
which carries the phone's GPS position and serial number) is an adapter's job, behind
``PhotoCleaner``; the bytes are kept behind ``PhotoStorage`` (local disk by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from domain.kernel.errors import Invalid, RuleBroken, TooLarge, UnsupportedMedia

# What phones produce and every browser shows; HEIC is converted by the phone's own picker.
PHOTO_TYPES: Final = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_PER_VISIT: Final = 9  # a WeChat moment's nine: what members are used to attaching
MAX_PIXELS: Final = 50_000_000  # decompression bombs are refused before decoding
MAX_SIDE: Final = 2560  # stored photos are scaled down to this; evidence, not prints


@dataclass(frozen=True)
class CleanPhoto:
    """An image decoded, checked and re-encoded without metadata."""

    data: bytes
    content_type: str
    width: int
    height: int
    sha256: str


@dataclass(frozen=True)
class Photo:
    id: int
    visit_id: int
    content_type: str
    size_bytes: int
    width: int
    height: int
    sha256: str
    storage_key: str
    created_by: str
    created_at: datetime
    # The phone's id for the upload: sent again after a lost answer, it finds this photo
    # instead of storing a second copy.
    client_uuid: str | None = None


def check_upload(content_type: str, size: int, *, max_bytes: int) -> None:
    """Refuse a wrong type or an oversized file before anything decodes it."""
    if content_type not in PHOTO_TYPES:
        raise UnsupportedMedia(
            "photo.unsupported_type",
            f"照片只支持 JPEG、PNG、WebP，收到的是 {content_type or '未知类型'}",
            field="file",
        )
    if size == 0:
        raise Invalid("photo.empty", "照片文件是空的", field="file")
    if size > max_bytes:
        raise TooLarge(
            "photo.too_large",
            f"照片超过 {max_bytes // (1024 * 1024)} MB 的上限",
            field="file",
        )


def check_room(existing: int, *, per: str = "每次走访", field: str = "visit_id") -> None:
    """At most nine photos on a record (a WeChat moment's nine): a visit's, an issue's."""
    if existing >= MAX_PER_VISIT:
        raise RuleBroken("photo.too_many", f"{per}最多 {MAX_PER_VISIT} 张照片", field=field)
