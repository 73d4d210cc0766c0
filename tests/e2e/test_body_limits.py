"""Request bodies are limited per route, and an oversized one is refused with 413 before it is
read: JSON bodies to 1 MiB by default (``LIANHU_MAX_JSON_KB``), an offline sync batch more, the
imports and photos keep their own limits (tests/e2e/test_bad_input.py, test_photos.py)."""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from api.settings import Settings
from bench.common import peak_rss_mib, server
from domain.kernel.access import Role
from tests.builders import World

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
MIB = 1024 * 1024


def too_large(res: Any) -> dict[str, Any]:
    assert res.status_code == 413, res.text[:300]
    assert res.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = res.json()
    assert body["code"] == "request.too_large" and body["field"] == "body", body
    return body


def test_the_json_limit_is_one_mib_by_default_and_read_from_lianhu_max_json_kb(
    monkeypatch: Any,
) -> None:
    assert Settings(env="test").max_json_bytes == MIB
    monkeypatch.setenv("LIANHU_MAX_JSON_KB", "64")
    assert Settings(env="test").max_json_bytes == 64 * 1024


def test_a_json_body_declared_over_the_limit_is_413(client: TestClient) -> None:
    body = b'{"username": "' + b"a" * (MIB + 1) + b'", "password": "x"}'
    res = client.post(
        f"{API}/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    too_large(res)


def test_a_chunked_json_body_without_a_length_is_counted_and_413_past_the_limit(
    client: TestClient, world: World
) -> None:
    def chunks() -> Iterator[bytes]:  # an iterator body is sent chunked, with no Content-Length
        yield b'{"head_name": "'
        for _ in range(40):
            yield b"a" * 64 * 1024
        yield b'"}'

    res = client.post(
        f"{API}/households",
        content=chunks(),
        headers={**world.headers(Role.ADMIN), "Content-Type": "application/json"},
    )
    too_large(res)


def test_a_body_just_under_the_limit_is_read_and_judged_on_its_content(client: TestClient) -> None:
    body = b'{"username": "' + b"a" * (MIB - 100) + b'", "password": "x"}'
    res = client.post(
        f"{API}/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert res.status_code == 422, res.text[:300]  # a username that long is no username


def test_an_offline_sync_batch_over_the_json_limit_is_still_taken(
    client: TestClient, world: World
) -> None:
    notes = "今天走访了解到家中老人身体尚可。" * 250  # 4000 characters, 12 kB of UTF-8
    operations = [
        {
            "uuid": f"00000000-0000-4000-8000-{i:012d}",
            "kind": "visit",
            "payload": {
                "member_id": world.member["m1"],
                "household_id": world.household["h1"],
                "visited_at": "2026-11-20T08:00:00+08:00",
                "mode": "home",
                "notes": notes,
            },
        }
        for i in range(200)  # the field app's batch (frontend/src/field/outbox.ts: BATCH)
    ]
    res = client.post(
        f"{API}/sync/batch", json={"operations": operations}, headers=world.headers(Role.MEMBER)
    )
    assert len(res.request.content) > 2 * MIB
    assert res.status_code == 200, res.text[:300]
    assert res.json()["applied"] + res.json()["duplicate"] == 200


def _send_chunked(base: str, path: str, total: int) -> tuple[bytes, int, float]:
    """POST ``total`` bytes of a JSON string to ``path`` chunked (no Content-Length) over a raw
    socket, stopping as soon as the server answers or stops reading; (answer, bytes sent,
    seconds)."""
    address = urlsplit(base)
    started = time.monotonic()
    sent = 0
    answer = b""
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        chunk = b"a" * 64 * 1024
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        sock.sendall(b'10\r\n{"username": "aa\r\n')
        while sent < total and time.monotonic() - started < 30:
            readable, writable, _ = select.select([sock], [sock], [], 5)
            if readable:
                break
            if not writable:
                continue  # the server does not read: wait for its answer
            try:
                sock.sendall(frame)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        sock.settimeout(10)
        try:
            while not answer.endswith(b"}"):
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
        except (ConnectionResetError, TimeoutError):
            pass
    return answer, sent, time.monotonic() - started


def test_a_served_app_refuses_a_100_mb_chunked_login_at_once_without_reading_it(
    db_url: str,
) -> None:
    with server(db_url) as (base, proc):
        rss_before = peak_rss_mib(proc.pid)
        answer, sent, seconds = _send_chunked(base, f"{API}/auth/login", 100 * MIB)
        rss_after = peak_rss_mib(proc.pid)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"request.too_large" in answer
    assert sent < 16 * MIB, f"{sent / MIB:.0f} MiB sent before the answer"
    assert seconds < 5
    assert rss_after - rss_before < 32, f"peak memory grew {rss_after - rss_before:.0f} MiB"


def test_a_served_app_takes_its_json_limit_from_the_environment(db_url: str) -> None:
    with server(db_url, env={"LIANHU_MAX_JSON_KB": "16"}) as (base, _proc):
        answer, _sent, _seconds = _send_chunked(base, f"{API}/auth/login", 64 * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_photo_of_an_issue_or_a_service_order_has_the_photo_limit_not_the_json_one(
    client: TestClient, world: World
) -> None:
    """A photo a little over the JSON limit (1 MiB) but within the photo limit reaches the
    photo checks (here: not an image) on every route that takes photos, not 413."""
    body = b"\xff\xd8" + b"x" * (MIB + 16 * 1024)
    headers = {**world.headers(Role.MEMBER), "Content-Type": "image/jpeg"}
    for path in ("/visits/1/photos", "/issues/1/photos", "/service-orders/1/photos"):
        res = client.post(f"{API}{path}", content=body, headers=headers)
        assert res.status_code != 413 or res.json()["code"] != "request.too_large", (path, res.text)
