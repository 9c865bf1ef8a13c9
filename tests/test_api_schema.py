"""The OpenAPI schema states the real constraints of every request field (issue #15).

A client (an Excel macro, an RPA tool, the 学習eポータル) can only stay within the API's limits
if the schema says what they are. This walks every parameter and JSON request body of the
schema and fails on a field without bounds: a number without ``minimum`` and ``maximum``, a
string without ``maxLength`` (or an enum, a format such as ``date``, or a pattern), an array
without ``maxItems``. A new API view is checked without new code. The second half checks, for
a few of the stated bounds, that the views refuse what the schema says they refuse.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from manabi.accounts.services import api_token_create
from manabi.core.converters import MAX_ID
from manabi.training.choices import TEXT_MAX
from manabi.training.models import Application
from tests.personas import Cast

BOUNDED_STRING_FORMATS = {"date", "date-time", "uuid", "email", "binary"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def unbounded(schema: dict[str, Any], components: dict[str, Any], where: str) -> list[str]:
    """The places under ``schema`` (a parameter's or a body's) that state no bound."""
    gaps: list[str] = []

    def walk(node: dict[str, Any], path: str, seen: frozenset[str]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return
            seen = seen | {name}
            node = components[name]
        if node.get("readOnly"):
            return
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in node.get(key, []):
                walk(sub, path, seen)
        if "enum" in node:
            return
        kind = node.get("type")
        if kind in ("integer", "number"):
            if "minimum" not in node or "maximum" not in node:
                gaps.append(f"{path}: {kind} without minimum and maximum")
        elif kind == "string":
            bounded = {"maxLength", "pattern"} & set(node)
            if not bounded and node.get("format") not in BOUNDED_STRING_FORMATS:
                gaps.append(f"{path}: string without maxLength")
        elif kind == "array":
            if "maxItems" not in node:
                gaps.append(f"{path}: array without maxItems")
            walk(node.get("items", {}), f"{path}[]", seen)
        elif kind == "object" or "properties" in node:
            for name, sub in node.get("properties", {}).items():
                walk(sub, f"{path}.{name}", seen)
            if isinstance(extra := node.get("additionalProperties"), dict):
                walk(extra, f"{path}{{}}", seen)

    walk(schema, where, frozenset())
    return gaps


def request_fields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    fields = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                name = f"{where} {parameter['in']}:{parameter['name']}"
                fields.append((name, parameter.get("schema", {})))
            for media_type, body in operation.get("requestBody", {}).get("content", {}).items():
                if media_type == "application/json":
                    fields.append((f"{where} body", body.get("schema", {})))
    return fields


def test_every_request_field_states_its_bounds(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    fields = request_fields(schema)
    assert len(fields) > 50, "the walk found too few request fields to be walking the schema"
    gaps = [gap for where, node in fields for gap in unbounded(node, components, where)]
    assert gaps == [], "request fields without bounds:\n" + "\n".join(gaps)


def test_the_walk_finds_an_unbounded_field() -> None:
    components = {"Body": {"type": "object", "properties": {"note": {"type": "string"}}}}
    node = {"type": "array", "items": {"$ref": "#/components/schemas/Body"}}
    assert unbounded(node, components, "POST /x body") == [
        "POST /x body: array without maxItems",
        "POST /x body[].note: string without maxLength",
    ]
    assert unbounded({"type": "integer", "minimum": 1}, {}, "q") == [
        "q: integer without minimum and maximum"
    ]
    bounded = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    assert unbounded(bounded, {}, "q") == []


def test_path_ids_are_bounded_like_the_converter(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                    assert parameter["schema"] == {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_ID,
                    }, path


# --- the views refuse what the schema says they refuse ----------------------------------------


def _api(cast: Cast, persona: str) -> Client:
    token = api_token_create(account=cast.account(persona))
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/trainings/?page_size=101", "page_size"),
        ("/api/v1/trainings/?page=0", "page"),
        ("/api/v1/trainings/?page=abc", "page"),
        ("/api/v1/applications/?status=nonsense", "status"),
        (f"/api/v1/applications/?programme={MAX_ID + 1}", "programme"),
        ("/api/v1/history/?limit=1001", "limit"),
        ("/api/v1/history/export?fiscal_year=99999", "fiscal_year"),
    ],
)
def test_out_of_bounds_queries_are_a_400_naming_the_field(cast: Cast, url: str, field: str) -> None:
    response = _api(cast, "principal_a").get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]


@pytest.mark.django_db
def test_an_over_long_comment_is_refused_and_changes_nothing(cast: Cast) -> None:
    before = list(Application.objects.values_list("pk", "status").order_by("pk"))
    response = _api(cast, "principal_a").post(
        "/api/v1/applications/bulk-approve/",
        {"applications": [1], "comment": "あ" * (TEXT_MAX + 1)},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]
    assert list(Application.objects.values_list("pk", "status").order_by("pk")) == before
