"""The published contract (openapi.json): how each operation is authenticated, and which errors
it can answer, as application/problem+json.

FastAPI knows neither: credentials are read from plain headers (api.deps) and the app used to
declare the same eight error statuses on every operation. Both are derived here from each
route, once, when the schema is first asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from api.deps import get_claims, get_scope
from api.problems import PROBLEM_JSON, Problem

API = "/api/v1"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "用户登录（POST /api/v1/auth/login）得到的 access_token："
        "Authorization: Bearer <token>",
    },
    "apiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "平台接入的 API 密钥（POST /api/v1/api-keys 签发，只显示一次）",
    },
}

ERRORS: dict[int, str] = {
    400: "请求体不是合法的 JSON 或表单",
    401: "未登录或凭证无效（缺少、过期、被篡改的令牌，无效或已吊销的密钥）",
    403: "角色或管辖范围不允许",
    404: "不存在，或不在调用者的管辖范围内",
    409: "与现有数据冲突",
    413: "请求体超过上限（LIANHU_MAX_JSON_KB 等）",
    415: "不支持的请求体类型",
    422: "数据校验未通过，或违反业务规则（errors 逐项列出）",
    429: "请求过于频繁（登录失败过多、当天报告已达上限），见 Retry-After",
    503: "数据库暂时不可用，见 Retry-After（稍后重试）",
}

# Errors only some operations produce, besides those every operation of its shape does.
EXTRA_ERRORS: dict[tuple[str, str], set[int]] = {
    ("POST", f"{API}/auth/login"): {401, 429},  # a wrong password; failed logins lock a while
    ("POST", f"{API}/auth/refresh"): {401},  # a refresh token unknown, spent or expired
    ("POST", f"{API}/public/cards/{{token}}/events"): {429},  # 3 reports a day per card
    ("POST", f"{API}/public/cards/{{token}}/issues"): {429},  # 3 matters a day per card
}
# Operations that answer from the token or the code alone: no database, so never 503.
NO_DATABASE = {
    ("GET", f"{API}/meta/enums"),
    ("GET", f"{API}/schemes"),
    ("GET", f"{API}/schemes/{{code}}"),
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def install(app: FastAPI) -> None:
    """``app.openapi()`` answers the contract described above (built once, then kept)."""
    generate = app.openapi

    def contract() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _finish(app, generate())
        return app.openapi_schema

    app.openapi = contract  # type: ignore[method-assign]


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def security_of(route: RouteContext) -> list[dict[str, list[str]]]:
    """The credentials a route accepts, as OpenAPI requirements (any one of them will do)."""
    calls = set(_calls(route.dependant))
    if get_claims in calls:
        return [{"bearer": []}]  # a signed-in user only, never an API key
    if get_scope in calls:
        return [{"bearer": []}, {"apiKey": []}]
    return []


def _names_ids(schema: Any, components: dict[str, Any], depth: int = 0) -> bool:
    """Whether a request body refers to records by id (``…_id``, ``…_ids``), which may not
    exist: such an operation can answer 404 without an id in its path."""
    if depth > 4 or not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        return _names_ids(components.get(schema["$ref"].rsplit("/", 1)[-1]), components, depth + 1)
    properties = schema.get("properties", {})
    if any(name.endswith(("_id", "_ids")) for name in properties):
        return True
    nested = [*properties.values(), schema.get("items"), *schema.get("anyOf", [])]
    return any(_names_ids(s, components, depth + 1) for s in nested)


def errors_of(method: str, path: str, op: dict[str, Any], components: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer, from its shape."""
    errors = set(EXTRA_ERRORS.get((method, path), set()))
    params = op.get("parameters", [])
    body = op.get("requestBody")
    if op.get("security"):
        errors |= {401, 403}
    body_schemas = [c.get("schema") for c in (body or {}).get("content", {}).values()]
    if (
        "{" in path
        or any(p["name"].endswith(("_id", "_ids")) for p in params)
        or any(_names_ids(s, components) for s in body_schemas)
    ):
        errors.add(404)
    if body is not None:
        errors |= {400, 413}  # unreadable; past the body limit (api.limits)
    if params or body is not None or method in WRITES:
        errors.add(422)
    if method in WRITES:
        errors.add(409)
    if (method, path) not in NO_DATABASE:
        errors.add(503)
    return errors


def _without_null_defaults(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {
            k: _without_null_defaults(v)
            for k, v in schema.items()
            if not (k == "default" and v is None)
        }
    if isinstance(schema, list):
        return [_without_null_defaults(v) for v in schema]
    return schema


def _finish(app: FastAPI, schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    # The Problem model as FastAPI would have put it there (no "default": null, which a typed
    # client would read as "always present": a problem leaves out what it has not).
    problem = _without_null_defaults(
        Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    components["securitySchemes"] = SECURITY_SCHEMES
    # FastAPI builds included routers lazily: their routes are reached through their contexts.
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        if not route.path_format or not route.path_format.startswith(API):
            continue
        for method in route.methods or ():
            op = schema["paths"][route.path_format].get(method.lower())
            if op is None:
                continue
            op["security"] = security_of(route)
            # Those the route declares itself; FastAPI's own 422 is added for any parameter,
            # even the hidden credential headers, which cannot fail.
            declared = {int(s) for s in route.original_route.responses if int(s) >= 400}
            responses = {s: r for s, r in op["responses"].items() if int(s) < 400}
            for status in sorted(errors_of(method, route.path_format, op, schemas) | declared):
                responses[str(status)] = {
                    "description": ERRORS.get(status, "错误"),
                    "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
                }
            op["responses"] = responses
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return schema
