"""Schemathesis hooks for ``make contract`` (loaded through ``SCHEMATHESIS_HOOKS``).

One check is added, none is turned off:

- ``schema_valid_request_passes_validation``: a request generated from the schema as valid must
  pass the API's request validation. 422 stays an answer to valid data when a business rule
  refuses it (its own code, e.g. ``visit.too_old``; see schemathesis.toml), but never
  ``request.validation``, which would mean the schema allows what the validation refuses.

The fuzzer calls every operation with the token of one demo account. A call that succeeds in
taking that very account away would turn every later answer into a 401 or 403 that says nothing
about the contract. Such cases are not generated; nothing else is left out:

- ``PATCH /users/{user_id}`` on the token's own account (``CONTRACT_SELF_USER_ID``): it may
  deactivate it, lower its role, move it to another org unit or reset its password. Every other
  account is fuzzed.
- ``POST /auth/password`` cannot succeed (the current password is never generated), so it runs.
- ``DELETE /api-keys/{key_id}``, ``POST /auth/logout``: the run uses a bearer token, not a key or
  a refresh token, so revoking those does not touch it; they run.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, HookContext, Response
from schemathesis.core.failures import Failure
from schemathesis.generation.meta import TestPhase

SELF_USER_ID = int(os.environ.get("CONTRACT_SELF_USER_ID", "0"))
REQUEST_REFUSED = {"request.validation", "request.malformed_json"}


@schemathesis.hook
def filter_path_parameters(context: HookContext, path_parameters: dict[str, Any] | None) -> bool:
    """Never the account whose token the run uses (``PATCH /users/{user_id}``)."""
    operation = context.operation
    if operation is None or operation.method.upper() != "PATCH":
        return True
    if not operation.path.endswith("/users/{user_id}"):
        return True
    return (path_parameters or {}).get("user_id") != SELF_USER_ID


class ValidationDisagrees(Failure):
    code = "ST902"
    kind_title = "Schema-valid request refused by the request validation"


@schemathesis.check
def schema_valid_request_passes_validation(
    ctx: CheckContext, response: Response, case: Case[Any]
) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    # The stateful phase fills parameters from earlier answers through the links it infers (a
    # ``visit_id`` that was null in some answer becomes ``/visits/None/photos``): such a request
    # was not generated from the schema, so the schema says nothing about whether it is valid.
    if meta.phase.name == TestPhase.STATEFUL:
        return None
    if response.status_code not in (400, 422):
        return None
    try:
        code = response.json().get("code")
    except ValueError:
        return None
    if code in REQUEST_REFUSED:
        raise ValidationDisagrees(
            operation=case.operation.label,
            title="Schema-valid request refused by the request validation",
            message=f"The schema allows this request; the API answered {response.status_code} "
            f"{code}: {response.text[:300]}",
        )
    return None
