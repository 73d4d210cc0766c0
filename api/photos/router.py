"""走访照片: photos on a visit, uploaded as the raw image body or a multipart form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.common import ClientUuid, PathId
from api.deps import ClockDep, ScopeDep, SettingsDep, UowDep, require
from api.photos.schemas import PhotoOut
from api.problems import PROBLEM_JSON, Problem
from domain.kernel.access import Permission
from domain.kernel.errors import Invalid
from domain.photos import services as photos
from domain.photos.ports import PhotoStorage
from persistence.photos.media import clean_photo, photo_type

router = APIRouter(tags=["photos"])


async def get_photo_storage(request: Request) -> PhotoStorage:
    storage: PhotoStorage = request.app.state.photo_storage
    return storage


StorageDep = Annotated[PhotoStorage, Depends(get_photo_storage)]


async def _image(request: Request) -> tuple[bytes, str]:
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


@router.post(
    "/visits/{visit_id}/photos",
    response_model=PhotoOut,
    status_code=201,
    summary="上传走访照片（JPEG/PNG/WebP；去除 EXIF 位置信息）",
    description="Send the image as the raw body with its Content-Type (image/jpeg, image/png, "
    "image/webp), or as multipart/form-data in the field `file` (a part without a type of its "
    "own is taken as what its bytes are). Within the visit's 24-hour "
    "edit window; at most 9 per visit; `LIANHU_PHOTO_MAX_MB` each. With `client_uuid` an "
    "upload sent again (its answer was lost) finds the photo stored the first time: 200 with "
    "`duplicate`, never a second copy.",
    dependencies=[require(Permission.VISIT_WRITE)],
    responses={
        200: {"model": PhotoOut, "description": "同一 client_uuid 已上传过"},
        # Declared here, not among api.main's app-wide statuses: few routes refuse a body type.
        415: {"model": Problem, "content": {PROBLEM_JSON: {}}},
    },
    openapi_extra={
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
    },
)
async def add_photo(
    visit_id: PathId,
    request: Request,
    response: Response,
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    storage: StorageDep,
    client_uuid: Annotated[
        ClientUuid | None, Query(description="客户端为这次上传生成的 UUID（不分大小写）")
    ] = None,
) -> PhotoOut:
    data, content_type = await _image(request)
    photo, duplicate = await run_in_threadpool(
        photos.add_photo,
        uow,
        storage,
        clean_photo,
        scope,
        visit_id,
        data=data,
        content_type=content_type,
        max_bytes=settings.photo_max_bytes,
        at=clock(),
        client_uuid=client_uuid,
    )
    if duplicate:
        response.status_code = 200
    return PhotoOut.from_domain(photo, duplicate=duplicate)


@router.get(
    "/visits/{visit_id}/photos",
    response_model=list[PhotoOut],
    summary="走访的照片",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def visit_photos(visit_id: PathId, scope: ScopeDep, uow: UowDep) -> list[PhotoOut]:
    return [PhotoOut.from_domain(p) for p in photos.photos_of_visit(uow, scope, visit_id)]


@router.get(
    "/photos/{photo_id}",
    summary="照片文件",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def photo_file(photo_id: PathId, scope: ScopeDep, uow: UowDep, storage: StorageDep) -> Response:
    photo, data = photos.photo_bytes(uow, storage, scope, photo_id)
    return Response(
        data,
        media_type=photo.content_type,
        # Personal data: browsers may keep it, shared caches may not.
        headers={"Cache-Control": "private, max-age=86400", "ETag": f'"{photo.sha256}"'},
    )


@router.delete(
    "/photos/{photo_id}",
    status_code=204,
    summary="删除照片（走访 24 小时内）",
    dependencies=[require(Permission.VISIT_WRITE)],
)
def remove_photo(
    photo_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep, storage: StorageDep
) -> Response:
    photos.remove_photo(uow, storage, scope, photo_id, at=clock())
    return Response(status_code=204)
