"""走访照片: photos on a visit, uploaded as the raw image body or a multipart form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.common import ClientUuid, PathId
from api.deps import ClockDep, ScopeDep, SettingsDep, UowDep, require
from api.photos.schemas import PhotoOut
from api.photos.upload import PHOTO_BODY, StorageDep, image_upload
from api.problems import PROBLEM_JSON, Problem
from domain.kernel.access import Permission
from domain.photos import services as photos
from persistence.photos.media import clean_photo

router = APIRouter(tags=["photos"])


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
    openapi_extra=PHOTO_BODY,
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
    data, content_type = await image_upload(request)
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
