"""The training API: the whole life of an application, errors as JSON with stable codes, the
queue, bulk approval, and the OpenAPI schema."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from manabi.accounts import services as account_services
from manabi.records.models import HistoryRecord
from manabi.training.models import Application, TrainingProgramme
from manabi.training.tests.factories import numbering_codes, person_at, programme
from tests.personas import Cast

pytestmark = pytest.mark.django_db


def token_client(cast: Cast, name: str) -> Client:
    token = account_services.api_token_create(account=cast.account(name))
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def body(response: Any) -> Any:
    return response.json()


def test_the_whole_life_through_the_api(cast: Cast) -> None:
    numbering_codes(cast)
    organiser = token_client(cast, "organizer")
    created = organiser.post(
        "/api/v1/trainings/",
        {
            "title": "道徳科 授業力向上研修",
            "fiscal_year": 2026,
            "category": "required_i",
            "number_category": "3",
            "capacity": 30,
            "sessions": [{"date": "2026-08-20", "hours": "3.0", "venue": "センター"}],
            "publish": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    programme_id = body(created)["id"]
    assert body(created)["number"] == "2026303001"
    assert body(created)["status"] == "published"

    teacher = token_client(cast, "teacher_a")
    found = teacher.get("/api/v1/trainings/", {"q": "道徳", "format": "in_person", "open": "true"})
    assert [p["id"] for p in body(found)["results"]] == [programme_id]
    applied = teacher.post(
        f"/api/v1/trainings/{programme_id}/applications/",
        {"motivation": "授業改善"},
        content_type="application/json",
    )
    assert applied.status_code == 201
    application_id = body(applied)["id"]
    assert [s["status"] for s in body(applied)["steps"]] == ["pending", "waiting"]

    principal = token_client(cast, "principal_a")
    queue = principal.get("/api/v1/applications/", {"awaiting": "me"})
    assert [a["id"] for a in body(queue)["results"]] == [application_id]
    assert principal.post(f"/api/v1/applications/{application_id}/approve/").status_code == 200
    board = token_client(cast, "board_officer")
    approved = board.post(
        f"/api/v1/applications/{application_id}/approve/",
        {"comment": "承認します"},
        content_type="application/json",
    )
    assert body(approved)["status"] == "awaiting_decision"
    # Now it waits for the organiser: in their "awaiting me", no longer in the board's.
    waiting = organiser.get("/api/v1/applications/", {"awaiting": "me"})
    assert [a["id"] for a in body(waiting)["results"]] == [application_id]
    assert body(board.get("/api/v1/applications/", {"awaiting": "me"}))["results"] == []
    decided = organiser.post(
        f"/api/v1/applications/{application_id}/decide/",
        {"decision": "accepted"},
        content_type="application/json",
    )
    assert body(decided)["status"] == "accepted"
    assert body(organiser.get("/api/v1/applications/", {"awaiting": "me"}))["results"] == []
    session_id = TrainingProgramme.objects.get(pk=programme_id).sessions.get().pk
    marked = organiser.post(
        f"/api/v1/trainings/{programme_id}/sessions/{session_id}/attendance/",
        {"marks": [{"application": application_id, "status": "present"}]},
        content_type="application/json",
    )
    assert body(marked) == {"changed": {str(application_id): "present"}}
    judged = organiser.post(f"/api/v1/trainings/{programme_id}/completion/")
    assert body(judged)["completed"] == [application_id]
    assert HistoryRecord.objects.filter(staff=cast.staff["teacher_a"]).count() == 1


def test_errors_are_json_with_stable_codes(cast: Cast) -> None:
    made = programme(cast)
    teacher = token_client(cast, "teacher_a")
    first = teacher.post(f"/api/v1/trainings/{made.pk}/applications/")
    application_id = body(first)["id"]
    again = teacher.post(f"/api/v1/trainings/{made.pk}/applications/")
    assert again.status_code == 409
    assert body(again)["code"] == "duplicate_application"
    assert "既に申込があります" in body(again)["detail"]

    missing = teacher.get("/api/v1/trainings/999999/")
    assert (missing.status_code, body(missing)["code"]) == (404, "not_found")
    assert "見つかりません" in body(missing)["detail"]

    own_step = teacher.post(f"/api/v1/applications/{application_id}/approve/")
    assert (own_step.status_code, body(own_step)["code"]) == (403, "permission_denied")

    principal = token_client(cast, "principal_a")
    no_reason = principal.post(f"/api/v1/applications/{application_id}/reject/")
    assert (no_reason.status_code, body(no_reason)["code"]) == (400, "reason_required")

    bad = token_client(cast, "organizer").post(
        f"/api/v1/applications/{application_id}/decide/",
        {"decision": "maybe"},
        content_type="application/json",
    )
    assert (bad.status_code, body(bad)["code"]) == (400, "invalid")
    assert "decision" in body(bad)["errors"]

    wrong_state = token_client(cast, "organizer").post(
        f"/api/v1/applications/{application_id}/decide/",
        {"decision": "accepted"},
        content_type="application/json",
    )
    assert (wrong_state.status_code, body(wrong_state)["code"]) == (409, "invalid_transition")

    anonymous = Client().get("/api/v1/trainings/")
    assert (anonymous.status_code, body(anonymous)["code"]) == (401, "not_authenticated")

    filters = teacher.get("/api/v1/trainings/", {"format": "hologram"})
    assert (filters.status_code, body(filters)["code"]) == (400, "invalid")


def test_apply_on_behalf_with_a_rank(cast: Cast) -> None:
    made = programme(cast, kind="recommended")
    principal = token_client(cast, "principal_a")
    response = principal.post(
        f"/api/v1/trainings/{made.pk}/applications/",
        {"staff": cast.staff["teacher_a"].pk, "recommendation_rank": 1},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert body(response)["recommendation_rank"] == 1
    outside = principal.post(
        f"/api/v1/trainings/{made.pk}/applications/",
        {"staff": cast.staff["teacher_b"].pk},
        content_type="application/json",
    )
    assert (outside.status_code, body(outside)["code"]) == (404, "not_found")


def test_bulk_approve_returns_a_result_per_application(cast: Cast) -> None:
    made = programme(cast)
    ids = []
    for number in ("20000301", "20000302"):
        _, teacher = person_at(cast.orgs["school_a"], number=number)
        from manabi.training.services.applications import application_submit

        ids.append(application_submit(actor=teacher, programme=made).pk)
    response = token_client(cast, "principal_a").post(
        "/api/v1/applications/bulk-approve/",
        {"applications": [*ids, 424242]},
        content_type="application/json",
    )
    data = body(response)
    assert (data["approved"], data["failed"]) == (2, 1)
    assert data["results"][2] == {
        "application": 424242,
        "ok": False,
        "status": "",
        "code": "not_found",
        "message": "申込が見つかりません。",
    }
    assert (
        Application.objects.filter(pk__in=ids, steps__order=1, steps__status="approved").count()
        == 2
    )


def test_catalogue_api_runs_a_constant_number_of_queries(cast: Cast) -> None:
    for index in range(25):
        programme(cast, title=f"研修 {index}", co_organisers=[cast.orgs["board_k"]])
    client = token_client(cast, "teacher_a")
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/trainings/", {"page_size": size, "q": "研修"})
        assert len(body(response)["results"]) == size
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_schema_lists_the_training_api(cast: Cast) -> None:
    schema = cast.client("teacher_a").get("/api/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    for path in (
        "/api/v1/trainings/",
        "/api/v1/trainings/{programme_id}/applications/",
        "/api/v1/applications/",
        "/api/v1/applications/{application_id}/approve/",
        "/api/v1/applications/{application_id}/reject/",
        "/api/v1/applications/{application_id}/decide/",
        "/api/v1/trainings/{programme_id}/sessions/{session_id}/attendance/",
        "/api/v1/applications/{application_id}/completion/",
        "/api/v1/trainings/{programme_id}/target-exceptions/",
        "/api/v1/target-exceptions/{exception_id}/",
    ):
        assert path in text, path
