"""The API's contract under bad input: JSON errors in one shape, never a 5xx for a client's input.

Regression tests for what the fuzzer (tests/test_api_fuzz.py) and an outside client found.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from manabi.accounts.services import api_token_create
from manabi.core.models import AuditEvent
from manabi.training.models import TrainingProgramme
from tests.personas import Cast

pytestmark = pytest.mark.django_db

HUGE = "1003568125871054442617129402368"


def _api(cast: Cast, persona: str) -> Client:
    token = api_token_create(account=cast.account(persona))
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def _programme(**extra: Any) -> dict[str, Any]:
    return {"title": "授業づくり研修", "fiscal_year": 2026, "category": "other_i", **extra}


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert set(body) >= {"code", "detail"}
    return body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("co_organisers", [999_999_999]),
        ("indicator_items", [999_999_999]),
        ("indicator_items", [int(HUGE)]),
        ("capacity", "many"),
        ("capacity", 10**12),
        ("organiser", int(HUGE)),
    ],
)
def test_training_create_checks_ids_and_numbers(cast: Cast, field: str, value: Any) -> None:
    before = TrainingProgramme.objects.count()
    response = _api(cast, "organizer").post(
        "/api/v1/trainings/", _programme(**{field: value}), content_type="application/json"
    )
    body = _error(response, 400)
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert TrainingProgramme.objects.count() == before


@pytest.mark.parametrize("name", ["organisation", "staff", "fiscal_year", "offset", "limit"])
def test_history_query_numbers_out_of_range_are_400(cast: Cast, name: str) -> None:
    response = _api(cast, "principal_a").get(f"/api/v1/history/?{name}={HUGE}")
    body = _error(response, 400)
    assert name in body["errors"]


def test_history_query_malformed_number_names_the_field(cast: Cast) -> None:
    body = _error(_api(cast, "principal_a").get("/api/v1/history/?organisation=abc"), 400)
    assert body["code"] == "invalid"
    assert "organisation" in body["errors"]


def test_unknown_api_urls_and_long_ids_are_json_404(cast: Cast) -> None:
    api = _api(cast, "teacher_a")
    for path in ("/api/v1/nothing-here/", f"/api/v1/applications/{HUGE}/", "/api/v1/trainings/x/"):
        assert _error(api.get(path), 404)["code"] == "not_found"


def test_a_body_that_is_not_json_is_415_in_japanese(cast: Cast) -> None:
    response = _api(cast, "organizer").post(
        "/api/v1/trainings/", "title: x", content_type="text/plain"
    )
    body = _error(response, 415)
    assert body["code"] == "unsupported_media_type"
    assert "Content-Type" in body["detail"]


def test_a_body_too_large_is_413(cast: Cast, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = _api(cast, "organizer").post(
        "/api/v1/trainings/", _programme(description="あ" * 200), content_type="application/json"
    )
    assert _error(response, 413)["code"] == "request_too_large"


def test_too_many_form_fields_is_400(cast: Cast, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = _api(cast, "board_officer").post(
        "/api/v1/applications/bulk-approve/", {"applications": list(range(1, 20))}
    )
    assert _error(response, 400)["code"] == "invalid"


def test_a_server_error_is_json_with_the_request_id(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr("manabi.indicators.api.frameworks_visible", broken)
    client = _api(cast, "teacher_a")
    client.raise_request_exception = False
    response = client.get("/api/v1/indicators/frameworks/", HTTP_X_REQUEST_ID="req-12345678")
    body = _error(response, 500)
    assert body == {
        "code": "server_error",
        "detail": body["detail"],
        "request_id": "req-12345678",
    }
    assert "internal detail" not in response.content.decode()


def test_a_refused_request_changes_nothing(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    response = _api(cast, "teacher_a").post(
        "/api/v1/trainings/", _programme(), content_type="application/json"
    )
    assert _error(response, 403)["code"] == "permission_denied"
    # Only the token issue itself was audited.
    assert AuditEvent.objects.count() == before + 1
