from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from manabi.core.models import AuditEvent
from tests.personas import Cast

DATA = Path(__file__).resolve().parent / "data"
CASES: dict[str, Any] = json.loads((DATA / "seed_cases.json").read_text("utf-8"))
EXPECTED: dict[str, Any] = json.loads((DATA / "seed_expected.json").read_text("utf-8"))
URL = "/api/v1/eligibility/compute/"


def post(cast: Cast, persona: str, body: Any, *, query: str = "") -> Any:
    return cast.client(persona).post(
        URL + query, data=json.dumps(body), content_type="application/json"
    )


def test_url_name() -> None:
    assert reverse("api:eligibility_compute") == URL


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?rules=niigata"])
def test_computes_for_a_signed_in_user(cast: Cast, query: str) -> None:
    before = AuditEvent.objects.count()
    response = post(cast, "teacher_a", CASES, query=query)
    assert response.status_code == 200
    output = response.json()
    assert output["rules"] == "niigata"
    assert output["reference_date"] == "2025-03-31"
    for result, expected in zip(output["results"], EXPECTED["results"], strict=True):
        assert result["staff_code"] == expected["staff_code"]
        assert result["age"] == expected["age"]
        for code, answer in expected["trainings"].items():
            got = result["trainings"][code]
            assert {key: got[key] for key in answer} == answer
            assert got["reason"]
    assert AuditEvent.objects.count() == before  # computes, stores nothing


@pytest.mark.django_db
def test_anonymous_is_refused(cast: Cast) -> None:
    response = post(cast, "anonymous", CASES)
    assert response.status_code == 401


@pytest.mark.django_db
def test_invalid_input_is_400_with_every_error(cast: Cast) -> None:
    body = json.loads(json.dumps(CASES))
    body["staff"][0]["service"][0]["end"] = "2020-03-31"
    body["staff"][3]["job"] = "principal"
    response = post(cast, "principal_a", body)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["staff_code"], e["field"], e["code"]) for e in errors] == [
        ("2-A", "service[0].end", "end_before_start"),
        ("2-D", "job", "unknown_value"),
    ]
    assert "results" not in response.json()
    assert errors[1]["message"].startswith("職員コード 2-D の job: ")


@pytest.mark.django_db
def test_unknown_rules_is_400(cast: Cast) -> None:
    response = post(cast, "teacher_a", CASES, query="?rules=atlantis")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("rules", "unknown_rules")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "content_type"),
    [("{not json", "application/json"), ("fiscal_year=2025", "application/x-www-form-urlencoded")],
)
def test_body_that_is_not_json_is_400(cast: Cast, data: str, content_type: str) -> None:
    response = cast.client("teacher_a").post(URL, data=data, content_type=content_type)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "invalid_json"


@pytest.mark.django_db
def test_only_post(cast: Cast) -> None:
    assert cast.client("teacher_a").get(URL).status_code == 405


def test_documented_in_the_schema() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["post"]
    assert operation["summary"] == "基本研修受講該当者の判定"
    assert {"200", "400"} <= set(operation["responses"])
    assert any(p["name"] == "rules" for p in operation["parameters"])
