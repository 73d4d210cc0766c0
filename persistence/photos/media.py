"""Photo bytes on local disk, and the Pillow-based cleaner that makes an upload safe to keep."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from domain.kernel.errors import Invalid, TooLarge
from domain.photos.model import MAX_PIXELS, MAX_SIDE, CleanPhoto

_KEY = re.compile(r"^[a-z0-9]+(/[a-z0-9]+)*\.[a-z]{3,4}$")
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_UNDECLARED = ("", "application/octet-stream")


def photo_type(data: bytes, declared: str) -> str:
    """The type to check an upload as: the declared one, or, when a form part came without a
    type of its own (or as application/octet-stream), the one its leading bytes show. Only the
    signature is read here; ``clean_photo`` decodes the whole image and still refuses it if the
    rest is not that format. Bytes of no accepted format keep the declared type, to be refused."""
    if declared not in _UNDECLARED:
        return declared
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return declared


class LocalDiskStorage:
    """Files under one root directory; a key is a relative path the service made up."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are ours, but a path never leaves the root
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def clean_photo(data: bytes, content_type: str) -> CleanPhoto:
    """Decode, check the real format against the declared one, turn upright, scale down to
    ``MAX_SIDE`` and re-encode without EXIF (GPS position, phone serial) or other metadata."""
    expected = _FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.width * probe.height > MAX_PIXELS:
                raise TooLarge(
                    "photo.too_many_pixels",
                    f"照片像素过多（{probe.width}×{probe.height}）",
                    field="file",
                )
            if probe.format != expected:
                raise Invalid(
                    "photo.type_mismatch",
                    f"文件内容是 {probe.format or '未知格式'}，与声明的 {content_type} 不符",
                    field="file",
                )
            probe.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise Invalid("photo.not_an_image", "文件不是可识别的图片", field="file") from err
    # Pillow warns past MAX_IMAGE_PIXELS and raises the error past twice that, in Image.open,
    # before our own MAX_PIXELS check can see the size: both are the same refusal.
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as err:
        raise TooLarge(
            "photo.too_many_pixels",
            f"照片像素过多（上限 {MAX_PIXELS // 10_000} 万像素）",
            field="file",
        ) from err
    image = ImageOps.exif_transpose(probe)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if expected == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if expected != "PNG" else {"optimize": True}
    image.save(out, format=expected, **options)  # no exif=…, icc kept out too: plain pixels
    cleaned = out.getvalue()
    return CleanPhoto(
        data=cleaned,
        content_type=content_type,
        width=image.width,
        height=image.height,
        sha256=hashlib.sha256(cleaned).hexdigest(),
    )
