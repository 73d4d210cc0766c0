"""A photo upload as visits and issues take it: the raw image body or a multipart form with
the one field ``file``; the photo storage."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from domain.kernel.errors import Invalid
from domain.photos.ports import PhotoStorage
from persistence.photos.media import photo_type


async def get_photo_storage(request: Request) -> PhotoStorage:
    storage: PhotoStorage = request.app.state.photo_storage
    return storage


StorageDep = Annotated[PhotoStorage, Depends(get_photo_storage)]


async def image_upload(request: Request) -> tuple[bytes, str]:
    """The image and its declared type, from a multipart form (field ``file``) or raw body."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "multipart/form-data":
        return await request.body(), media
    form = await request.form(max_files=1, max_fields=5)
    # The form holds the photo and nothing else, as the schema says: a stray field is a mistake
    # of the client's, named, not silently dropped.
    stray = next((key for key in form if key != "file"), None)
    if stray is not None:
        raise Invalid("photo.unknown_field", "表单中只能有照片字段 file", field=stray)
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise Invalid("photo.no_file", "请在表单字段 file 中上传照片", field="file")
    data = await file.read()
    # A form part often comes without a type of its own (a Blob, some WebView pickers): its bytes
    # say what it is. A type that is declared is kept, so a mismatch is still refused.
    return data, photo_type(data, (file.content_type or "").split(";")[0].strip().lower())


# The upload's body as the schema says it (visits and issues take photos alike).
PHOTO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "image/webp": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                    "additionalProperties": False,
                },
                "encoding": {"file": {"contentType": "image/jpeg, image/png, image/webp"}},
            },
        },
    }
}
