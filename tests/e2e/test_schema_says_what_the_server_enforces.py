"""openapi.json says what the server enforces, so that a generated client and a fuzzer agree with
the server (issue 13, found by schemathesis; `make contract` runs it against the served app):
sorts as enums, dates and booleans strictly as their types, the control-character rule as a
pattern, a location's two coordinates together, and a 405's Allow listing every method."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from api.common import StrictIn
from domain.kernel.access import Role
from tests.builders import World

METHODS = {"get", "post", "put", "patch", "delete"}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    return schema


def _not_null(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """The schema of a value that may also be null, without the null."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    assert len(options) == 1, schema
    return _resolve(options[0], components)


def _lists(app: FastAPI) -> list[tuple[str, dict[str, Any]]]:
    """(path, sort parameter's schema) of every list that takes ``sort``."""
    spec = app.openapi()
    return [
        (path, param["schema"])
        for path, item in spec["paths"].items()
        for param in item.get("get", {}).get("parameters", [])
        if param["name"] == "sort"
    ]


def _fill(path: str, world: World, ids: dict[str, int]) -> str:
    for name, value in {"org_id": world.org["C"], **ids}.items():
        path = path.replace(f"{{{name}}}", str(value))
    return path


def _records(client: TestClient, world: World) -> dict[str, int]:
    """A record of each kind a list is of, so every list's path can be filled: a policy, and
    an assignment proposal (its pairs)."""
    admin = world.headers(Role.ADMIN)
    policy = client.post(
        f"/api/v1/org-units/{world.org['C']}/policies",
        json={"code": "all", "name": "全部农户", "rule": {"field": "size", "op": ">=", "value": 1}},
        headers=admin,
    )
    proposal = client.post(
        "/api/v1/assignment-proposals", json={"org_id": world.org["V1"]}, headers=admin
    )
    assert policy.status_code == proposal.status_code == 201, (policy.text, proposal.text)
    return {"policy_id": policy.json()["id"], "proposal_id": proposal.json()["id"]}


def test_every_list_sort_is_an_enum_of_fields_and_their_descending_forms(app: FastAPI) -> None:
    components = app.openapi()["components"]["schemas"]
    lists = _lists(app)
    assert len(lists) >= 7, lists
    for path, schema in lists:
        values = _not_null(schema, components).get("enum")
        assert values, f"{path}: sort is a free string"
        fields = [v for v in values if not v.startswith("-")]
        assert sorted(values) == sorted([*fields, *(f"-{f}" for f in fields)]), path


def test_every_sort_value_a_list_declares_is_accepted_and_others_are_refused(
    app: FastAPI, client: TestClient, world: World, scheme: None
) -> None:
    components = app.openapi()["components"]["schemas"]
    ids = _records(client, world)
    for path, schema in _lists(app):
        url = _fill(path, world, ids)
        headers = world.headers(Role.AUDITOR if path.endswith("/audit") else Role.ADMIN)
        for value in _not_null(schema, components)["enum"]:
            res = client.get(url, params={"sort": value}, headers=headers)
            assert res.status_code == 200, (path, value, res.text)
        res = client.get(url, params={"sort": "nonexistent"}, headers=headers)
        assert res.status_code == 422 and res.json()["field"] == "sort", (path, res.text)


@pytest.mark.parametrize(
    ("path", "param", "bad", "good"),
    [
        ("/api/v1/audit", "until", "0.5", "2026-05-01T08:00:00+08:00"),
        ("/api/v1/audit", "since", "0", "2026-05-01T00:00:00Z"),
        ("/api/v1/audit", "since", "2026-05-01", "2026-05-01T00:00"),
        ("/api/v1/households/{h1}/contacts", "on", "0", "2026-05-01"),
        ("/api/v1/households/{h1}/contacts", "on", "2026-05-01T00:00:00", "2026-05-01"),
        ("/api/v1/sync/pull", "since", "1700000000", "2026-05-01T00:00:00Z"),
        ("/api/v1/households/{h1}/checklist", "at", "1.5", "2026-05-01T00:00:00+08:00"),
    ],
)
def test_a_date_or_time_in_a_query_is_an_iso_date_or_time_and_never_a_number(
    client: TestClient, world: World, path: str, param: str, bad: str, good: str
) -> None:
    url = path.replace("{h1}", str(world.household["h1"]))
    role = Role.AUDITOR if path.endswith("/audit") else Role.ADMIN
    headers = world.headers(Role.MEMBER) if "sync" in path else world.headers(role)
    res = client.get(url, params={param: bad}, headers=headers)
    assert res.status_code == 422, res.text
    assert res.json()["code"] == "request.validation" and res.json()["field"] == param
    res = client.get(url, params={param: good}, headers=headers)
    assert res.status_code != 422 or res.json()["field"] != param, res.text


@pytest.mark.parametrize("bad", [0, 1, "false", "true", None])
def test_a_boolean_in_a_body_is_json_true_or_false(
    client: TestClient, world: World, bad: Any
) -> None:
    url = f"/api/v1/users/{world.users[Role.MEMBER]}"
    res = client.patch(url, json={"active": bad}, headers=world.headers(Role.ADMIN))
    if bad is None:  # null: not sent (UserUpdate changes only the fields given a value)
        assert res.status_code == 200, res.text
        return
    assert res.status_code == 422 and res.json()["field"] == "active", res.text
    res = client.patch(url, json={"active": True}, headers=world.headers(Role.ADMIN))
    assert res.status_code == 200 and res.json()["active"] is True


@pytest.mark.parametrize("bad", ["0", "1", "yes", "off", "True"])
def test_a_boolean_in_a_query_is_the_word_true_or_false(
    client: TestClient, world: World, bad: str
) -> None:
    headers = world.headers(Role.ADMIN)
    res = client.get("/api/v1/members", params={"in_service": bad}, headers=headers)
    assert res.status_code == 422 and res.json()["field"] == "in_service", res.text
    for good in ("true", "false"):
        res = client.get("/api/v1/members", params={"in_service": good}, headers=headers)
        assert res.status_code == 200, res.text


def _input_models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [StrictIn]
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return [m for m in found if m.model_fields]


def _property_schemas(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    spec = model.model_json_schema(ref_template="#/$defs/{model}")
    defs = spec.get("$defs", {})
    out = {}
    for name, prop in spec.get("properties", {}).items():
        options = [s for s in prop.get("anyOf", [prop]) if s.get("type") != "null"]
        if len(options) == 1:
            out[name] = _resolve(options[0], defs)
    return out


def _refused_alone(model: type[BaseModel], field: str, value: Any) -> bool:
    """Whether ``model`` refuses ``value`` in ``field`` (judged on that field's errors only)."""
    try:
        model.model_validate({field: value})
    except ValidationError as exc:
        return any(e["loc"][:1] == (field,) for e in exc.errors())
    return False


@pytest.mark.usefixtures("app")  # every router imported, with the input models it declares
def test_every_boolean_date_and_time_of_a_request_body_refuses_other_types() -> None:
    checked = 0
    for model in _input_models():
        for name, prop in _property_schemas(model).items():
            if prop.get("type") == "boolean":
                bad: list[Any] = [0, 1, "true", "false"]
            elif prop.get("format") in ("date", "date-time"):
                bad = [0, 0.5, "0", "1700000000"]
            else:
                continue
            checked += 1
            for value in bad:
                assert _refused_alone(model, name, value), (model.__name__, name, value)
    assert checked >= 10


@pytest.mark.usefixtures("app")
def test_every_number_of_a_request_body_refuses_true_and_false() -> None:
    """Pydantic reads ``true`` as 1 and ``false`` as 0.0: `make contract` moved a household to
    longitude 0 with ``{"lng": false}``. The schema's integer and number take no booleans."""
    checked = 0
    for model in _input_models():
        for name, prop in _property_schemas(model).items():
            if prop.get("type") in ("integer", "number"):
                values: list[Any] = [True, False]
            elif prop.get("type") == "array" and prop.get("items", {}).get("type") == "integer":
                values = [[True], [1, False]]
            else:
                continue
            checked += 1
            for value in values:
                assert _refused_alone(model, name, value), (model.__name__, name, value)
    assert checked >= 30


@pytest.mark.usefixtures("app")
def test_every_trimmed_name_that_must_not_be_blank_says_so_in_its_pattern() -> None:
    """``{"head_name": "\\r"}`` matched the schema and was answered 422 (too short once
    trimmed): the pattern now asks for one character that is not white space."""
    checked = 0
    for model in _input_models():
        for name, prop in _property_schemas(model).items():
            if prop.get("type") != "string" or "enum" in prop or "format" in prop:
                continue
            if not _refused_alone(model, name, " \r\t\u3000 ") or _refused_alone(
                model, name, " 甲 "
            ):
                continue
            checked += 1
            pattern = prop.get("pattern")
            assert pattern, f"{model.__name__}.{name}: refuses a blank text, no pattern"
            for blank in ("\r", "  ", "\t\n", "\u3000"):
                assert not re.search(pattern, blank), (model.__name__, name, blank)
            assert re.search(pattern, " 甲 "), (model.__name__, name)
    assert checked >= 10


@pytest.mark.usefixtures("app")
def test_every_text_of_a_request_body_that_refuses_control_characters_says_so_in_its_pattern() -> (
    None
):
    checked = 0
    for model in _input_models():
        for name, prop in _property_schemas(model).items():
            if prop.get("type") != "string" or "enum" in prop or "format" in prop:
                continue
            # refused for the control character alone: the same text with a space passes
            if _refused_alone(model, name, "甲乙\x01丙丁") <= _refused_alone(
                model, name, "甲乙 丙丁"
            ):
                continue
            checked += 1
            pattern = prop.get("pattern")
            assert pattern, f"{model.__name__}.{name}: refuses control characters, no pattern"
            assert not re.search(pattern, "甲乙\x01丙丁"), (model.__name__, name)
    assert checked >= 20


def test_a_location_with_one_coordinate_is_refused_by_the_schema_as_by_the_server(
    app: FastAPI,
) -> None:
    spec = app.openapi()
    for name in ("VisitIn", "HouseholdIn", "MemberIn"):
        schema = {**spec["components"]["schemas"][name], "components": spec["components"]}
        validator = jsonschema_rs.validator_for(schema)
        base = {
            "VisitIn": {
                "member_id": 1,
                "household_id": 1,
                "visited_at": "2026-05-01T08:00:00Z",
                "mode": "home",
            },
            "HouseholdIn": {"org_id": 1, "head_name": "赵一"},
            "MemberIn": {"org_id": 1, "name": "张三", "role": "member"},
        }[name]
        assert validator.is_valid(base), name
        assert validator.is_valid({**base, "lat": 30.0, "lng": 120.0}), name
        assert not validator.is_valid({**base, "lat": 30.0}), name
        assert not validator.is_valid({**base, "lng": 120.0, "lat": None}), name


def test_a_405_lists_in_allow_every_method_its_path_serves(
    app: FastAPI, client: TestClient
) -> None:
    for path, item in app.openapi()["paths"].items():
        served = {m.upper() for m in item if m in METHODS}
        url = re.sub(r"\{[^}]+\}", "1", path)
        res = client.options(url)
        assert res.status_code == 405, (path, res.status_code)
        allow = {m.strip() for m in res.headers["allow"].split(",")}
        assert allow - {"HEAD"} == served, (path, allow, served)
        assert res.headers["content-type"] == "application/problem+json"


def test_a_wrong_password_and_a_spent_refresh_token_answer_a_declared_401(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    assert "401" in paths["/api/v1/auth/login"]["post"]["responses"]
    assert "401" in paths["/api/v1/auth/refresh"]["post"]["responses"]
