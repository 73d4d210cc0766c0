"""Visit photos: accepted types and sizes, EXIF (GPS) stripped, the edit window, scope, and
nothing half-stored when an upload is refused."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import text

from api.settings import Settings
from domain.kernel.access import Role
from tests.builders import World
from tests.conftest import Clock

API = "/api/v1"
GPS_IFD = 0x8825


def jpeg_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, (200, 60, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (45.0, 30.0, 0.0), 3: "E", 4: (122.0, 20.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 255)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def visit_id(client: TestClient, world: World, scheme: None) -> int:
    res = client.post(
        f"{API}/visits",
        json={
            "member_id": world.member["m1"],
            "household_id": world.household["h1"],
            "visited_at": "2026-11-25T01:30:00+00:00",
            "mode": "home",
        },
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 201, res.text
    return int(res.json()["id"])


def upload(
    client: TestClient, world: World, visit_id: int, data: bytes, kind: str = "image/jpeg"
) -> httpx.Response:
    res: httpx.Response = client.post(
        f"{API}/visits/{visit_id}/photos",
        content=data,
        headers={**world.headers(Role.MEMBER), "Content-Type": kind},
    )
    return res


def stored_files(settings: Settings) -> list[Path]:
    root = Path(settings.media_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def photo_rows(world: World) -> int:
    with world.app.state.session_factory() as s:
        return int(s.execute(text("SELECT count(*) FROM visit_photos")).scalar_one())


def test_a_photo_is_stored_without_its_gps_and_read_back_by_those_in_scope(
    client: TestClient, world: World, visit_id: int, settings: Settings
) -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test is real
    res = upload(client, world, visit_id, original)
    assert res.status_code == 201, res.text
    photo = res.json()
    assert (photo["width"], photo["height"], photo["content_type"]) == (640, 480, "image/jpeg")
    got = client.get(photo["url"], headers=world.headers(Role.BRANCH_SECRETARY))
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert "private" in got.headers["cache-control"]
    kept = Image.open(io.BytesIO(got.content))
    assert kept.size == (640, 480)
    assert not kept.getexif()  # no GPS, no phone make: nothing at all
    assert len(stored_files(settings)) == 1
    listed = client.get(f"{API}/visits/{visit_id}/photos", headers=world.headers(Role.MEMBER))
    assert [p["id"] for p in listed.json()] == [photo["id"]]
    above = client.get(photo["url"], headers=world.headers(Role.TOWNSHIP_CADRE))
    assert above.status_code == 200  # the township is above the village
    # Another township, or a member who does not look after the household, does not even
    # learn that the photo exists.
    for outsider in (
        world.headers(Role.TOWNSHIP_CADRE, org="T2"),
        world.headers(Role.MEMBER, org="V2", member="m3"),
    ):
        far = client.get(photo["url"], headers=outsider)
        assert far.status_code == 404 and far.json()["code"] == "photo.not_found"


def test_a_multipart_upload_as_a_browser_sends_it(
    client: TestClient, world: World, visit_id: int
) -> None:
    res = client.post(
        f"{API}/visits/{visit_id}/photos",
        files={"file": ("院子.png", png(), "image/png")},
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 201, res.text
    assert res.json()["content_type"] == "image/png"


def test_a_form_with_a_field_beside_the_photo_is_refused_naming_it(
    client: TestClient, world: World, visit_id: int
) -> None:
    """The schema's form holds ``file`` only (`make contract` sent six stray fields and got an
    undeclared 400): another field is named, and nothing is stored."""
    before = photo_rows(world)
    res = client.post(
        f"{API}/visits/{visit_id}/photos",
        files={"file": ("院子.png", png(), "image/png")},
        data={"note": "x"},
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 422, res.text
    assert res.json()["code"] == "photo.unknown_field" and res.json()["field"] == "note"
    assert photo_rows(world) == before


def form_part_without_type(data: bytes, filename: str = "blob") -> tuple[bytes, str]:
    """A multipart body whose file part has no Content-Type of its own, as a Blob appended to a
    FormData in some WebViews sends it (httpx always adds one, so it is written by hand)."""
    boundary = "lianhu-test-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def webp(size: tuple[int, int] = (120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 200)).save(out, format="WEBP")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [(png(), "image/png"), (jpeg_with_gps(), "image/jpeg"), (webp(), "image/webp")],
    ids=["png", "jpeg", "webp"],
)
def test_a_form_part_without_its_own_type_is_taken_for_what_its_bytes_are(
    client: TestClient, world: World, visit_id: int, data: bytes, kind: str
) -> None:
    body, content_type = form_part_without_type(data)
    bare = client.post(
        f"{API}/visits/{visit_id}/photos",
        content=body,
        headers={**world.headers(Role.MEMBER), "Content-Type": content_type},
    )
    assert bare.status_code == 201, bare.text
    assert bare.json()["content_type"] == kind
    octet = client.post(
        f"{API}/visits/{visit_id}/photos",
        files={"file": ("blob", data, "application/octet-stream")},
        headers=world.headers(Role.MEMBER),
    )
    assert octet.status_code == 201, octet.text
    assert octet.json()["content_type"] == kind


@pytest.mark.parametrize(
    ("part", "status", "code"),
    [
        # No type and no image signature: still an unknown type.
        (("blob", b"hello, not a photo", None), 415, "photo.unsupported_type"),
        (("blob", b"GIF89a....", "application/octet-stream"), 415, "photo.unsupported_type"),
        # A PNG signature with nothing decodable behind it.
        (("blob", b"\x89PNG\r\n\x1a\n broken", None), 422, "photo.not_an_image"),
        # A type that is declared is believed: bytes of another format are refused.
        (("a.jpg", png(), "image/jpeg"), 422, "photo.type_mismatch"),
        (("a.png", b"hello", "text/plain"), 415, "photo.unsupported_type"),
    ],
)
def test_a_form_part_whose_bytes_do_not_bear_out_its_type_is_refused(
    client: TestClient,
    world: World,
    visit_id: int,
    settings: Settings,
    part: tuple[str, bytes, str | None],
    status: int,
    code: str,
) -> None:
    filename, data, declared = part
    if declared is None:
        body, content_type = form_part_without_type(data, filename)
        res = client.post(
            f"{API}/visits/{visit_id}/photos",
            content=body,
            headers={**world.headers(Role.MEMBER), "Content-Type": content_type},
        )
    else:
        res = client.post(
            f"{API}/visits/{visit_id}/photos",
            files={"file": (filename, data, declared)},
            headers=world.headers(Role.MEMBER),
        )
    assert res.status_code == status, res.text
    assert res.json()["code"] == code and res.json()["field"] == "file"
    assert photo_rows(world) == 0 and stored_files(settings) == []


def test_large_photos_are_scaled_down(client: TestClient, world: World, visit_id: int) -> None:
    res = upload(client, world, visit_id, jpeg_with_gps((3000, 1000)))
    assert res.status_code == 201, res.text
    assert (res.json()["width"], res.json()["height"]) == (2560, 853)


@pytest.mark.parametrize(
    ("data", "kind", "status", "code"),
    [
        (b"hello", "text/plain", 415, "photo.unsupported_type"),
        (b"GIF89a....", "image/gif", 415, "photo.unsupported_type"),
        (b"", "image/jpeg", 422, "photo.empty"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg", 422, "photo.not_an_image"),
        (png(), "image/jpeg", 422, "photo.type_mismatch"),
    ],
)
def test_wrong_type_or_broken_files_are_refused_and_nothing_is_kept(
    client: TestClient,
    world: World,
    visit_id: int,
    settings: Settings,
    data: bytes,
    kind: str,
    status: int,
    code: str,
) -> None:
    res = upload(client, world, visit_id, data, kind)
    assert res.status_code == status, res.text
    body = res.json()
    assert body["code"] == code and body["field"] == "file"
    assert photo_rows(world) == 0 and stored_files(settings) == []


def test_oversized_photos_are_refused_with_413(
    client: TestClient, world: World, visit_id: int, settings: Settings
) -> None:
    limit = settings.photo_max_bytes
    just_over = jpeg_with_gps() + b"\0" * (limit + 10)  # past the checked size
    far_over = b"\0" * (limit + 200 * 1024)  # past the body limit: never read whole
    for data in (just_over, far_over):
        res = upload(client, world, visit_id, data)
        assert res.status_code == 413, res.text
        assert res.json()["code"] == "photo.too_large"
    assert photo_rows(world) == 0 and stored_files(settings) == []


def png_header_only(width: int, height: int) -> bytes:
    """A few dozen bytes of PNG whose header claims ``width``×``height`` pixels: a
    decompression bomb, refused from its header before anything is decoded."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "side",
    [
        8_000,  # 64 M pixels: past our MAX_PIXELS, below Pillow's own limits
        10_000,  # 100 M: Pillow warns (DecompressionBombWarning)
        13_400,  # 180 M: Pillow raises (DecompressionBombError) while opening it
    ],
)
@pytest.mark.parametrize("form", [False, True])
def test_a_decompression_bomb_is_refused_with_413_and_nothing_is_kept(
    client: TestClient, world: World, visit_id: int, settings: Settings, side: int, form: bool
) -> None:
    bomb = png_header_only(side, side)
    assert len(bomb) < 100
    if form:
        res = client.post(
            f"{API}/visits/{visit_id}/photos",
            files={"file": ("bomb.png", bomb, "image/png")},
            headers=world.headers(Role.MEMBER),
        )
    else:
        res = upload(client, world, visit_id, bomb, "image/png")
    assert res.status_code == 413, res.text
    body = res.json()
    assert body["code"] == "photo.too_many_pixels" and body["field"] == "file"
    assert "像素过多" in body["detail"]
    assert photo_rows(world) == 0 and stored_files(settings) == []


def test_the_refused_media_type_is_documented(world: World) -> None:
    operation = world.app.openapi()["paths"]["/api/v1/visits/{visit_id}/photos"]["post"]
    assert "application/problem+json" in operation["responses"]["415"]["content"]


def test_a_visit_takes_at_most_nine_photos(client: TestClient, world: World, visit_id: int) -> None:
    small = png((40, 40))
    for _ in range(9):
        assert upload(client, world, visit_id, small, "image/png").status_code == 201
    res = upload(client, world, visit_id, small, "image/png")
    assert res.status_code == 422 and res.json()["code"] == "photo.too_many"


def test_photos_follow_the_visit_edit_window(
    client: TestClient, world: World, visit_id: int, clock: Clock, settings: Settings
) -> None:
    photo = upload(client, world, visit_id, png(), "image/png").json()
    res = client.delete(f"{API}/photos/{photo['id']}", headers=world.headers(Role.MEMBER))
    assert res.status_code == 204 and stored_files(settings) == []
    kept = upload(client, world, visit_id, png(), "image/png").json()
    clock.advance(hours=25)
    late = upload(client, world, visit_id, png(), "image/png")
    assert late.status_code == 409 and late.json()["code"] == "visit.edit_window_closed"
    res = client.delete(f"{API}/photos/{kept['id']}", headers=world.headers(Role.MEMBER))
    assert res.status_code == 409 and len(stored_files(settings)) == 1


def test_only_those_who_log_visits_upload_and_never_to_a_visit_out_of_reach(
    client: TestClient, world: World, visit_id: int
) -> None:
    auditor = client.post(
        f"{API}/visits/{visit_id}/photos",
        content=png(),
        headers={**world.headers(Role.AUDITOR), "Content-Type": "image/png"},
    )
    assert auditor.status_code == 403
    missing = upload(client, world, 999_999, png(), "image/png")
    assert missing.status_code == 404 and missing.json()["code"] == "visit.not_found"


def test_an_upload_sent_again_with_its_client_uuid_is_stored_once(
    client: TestClient, world: World, settings: Settings, visit_id: int
) -> None:
    # the phone lost the answer and sends the same photo again: the first one is found
    key = "5f0c8a4e-7d3b-4c1a-9e2f-0a1b2c3d4e5f"
    url = f"{API}/visits/{visit_id}/photos"
    h = {**world.headers(Role.MEMBER), "Content-Type": "image/jpeg"}
    first = client.post(url, params={"client_uuid": key}, content=jpeg_with_gps(), headers=h)
    assert first.status_code == 201 and first.json()["duplicate"] is False, first.text
    again = client.post(url, params={"client_uuid": key}, content=jpeg_with_gps(), headers=h)
    assert again.status_code == 200 and again.json()["duplicate"] is True, again.text
    assert again.json()["id"] == first.json()["id"]
    assert photo_rows(world) == 1 and len(stored_files(settings)) == 1
    # the same key on another visit is a client bug, said so; a malformed key is a 422
    other = client.post(
        f"{API}/visits",
        json={
            "member_id": world.member["m1"],
            "household_id": world.household["h2"],
            "visited_at": "2026-11-25T01:40:00+00:00",
            "mode": "home",
        },
        headers=world.headers(Role.MEMBER),
    ).json()["id"]
    res = client.post(
        f"{API}/visits/{other}/photos",
        params={"client_uuid": key},
        content=jpeg_with_gps(),
        headers=h,
    )
    assert res.status_code == 409 and res.json()["code"] == "photo.uuid_reused", res.text
    res = client.post(url, params={"client_uuid": "x"}, content=jpeg_with_gps(), headers=h)
    assert res.status_code == 422 and res.json()["field"] == "client_uuid", res.text
    assert photo_rows(world) == 1 and len(stored_files(settings)) == 1
