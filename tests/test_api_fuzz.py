"""The API keeps its contract under any input: property-based fuzzing from the OpenAPI schema.

schemathesis generates requests for every operation of the published schema (valid ones and,
in its negative mode, wrong ones), sends them to the app in-process (WSGI, no server) with the
token of a demo persona, and checks each answer: never a server error, only documented status
codes and media types, and bodies that match the documented shape. The demo prefecture is
built once per worker; every request runs in a savepoint that is rolled back, so each example
meets the same data whatever the previous one did.

A new API operation is covered without new code: it is in the schema, so it is fuzzed here.
``MANABI_FUZZ_EXAMPLES`` sets the examples per operation, persona and mode (the suite's small
budget is fixed and derandomized; ``make fuzz`` runs a larger, random one).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from manabi.accounts.models import Account, normalize_login_id
from manabi.accounts.services import api_token_create

EXAMPLES = int(os.environ.get("MANABI_FUZZ_EXAMPLES", "0") or 0)
RANDOM = EXAMPLES > 0
EXAMPLES = EXAMPLES or 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Demo accounts (manabi demo accounts) by the part they play.
PERSONAS = {
    "teacher": "480002T04000797",  # 教諭・3年1組担任, みらい市立中央小学校
    "principal": "480002T91000794",  # 校長, みらい市立中央小学校
    "board": "480002B00002",  # みらい市教育委員会
    "organizer": "480002O00001",  # 県総合教育センター
}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _schema_dict() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = schemathesis.openapi.from_dict(_schema_dict())
OPERATIONS = {
    operation.label: operation
    for result in SCHEMA.get_all_operations()
    if (operation := result.ok()) is not None
}


@pytest.fixture(scope="module")
def tokens(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """The demo prefecture, once per worker, and an API token for each persona."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("demo", "--no-serve", stdout=StringIO())
        listed = json.loads(_accounts_json())
        assert {e["login_id"] for e in listed} >= set(PERSONAS.values())
        yield {
            name: api_token_create(
                account=Account.objects.get(login_id=normalize_login_id(login_id))
            )
            for name, login_id in PERSONAS.items()
        }
        transaction.set_rollback(True)


def _accounts_json() -> str:
    out = StringIO()
    call_command("demo", "accounts", "--json", stdout=out)
    return out.getvalue()


@pytest.fixture
def app(tokens: dict[str, str]) -> Iterator[WSGIHandler]:
    # The WSGI handler closes the connection at the start and the end of each request; inside
    # the test's transaction that would drop it (PostgreSQL; SQLite's in-memory test database
    # ignores it). Django's test client disconnects the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_is_fuzzed() -> None:
    """The schema loads whole: an operation schemathesis cannot read would go untested."""
    errors = [result.err() for result in SCHEMA.get_all_operations() if result.ok() is None]
    assert errors == []
    assert len(OPERATIONS) >= 40


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("label", list(OPERATIONS))
def test_operation_keeps_its_contract(
    label: str, persona: str, app: WSGIHandler, tokens: dict[str, str]
) -> None:
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Token {tokens[persona]}"}
    cases = st.one_of(
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        with transaction.atomic():
            response = case.call(app=app, headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()
