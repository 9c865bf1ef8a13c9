"""The history API: scoped list, manual record create and confirm, exports, indicator
frameworks and coverage; all in the OpenAPI schema."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.indicators.tests.factories import framework_with_items
from manabi.records.models import HistoryRecord
from manabi.records.tests.factories import HistoryRecordFactory
from tests.personas import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast: Cast) -> None:
    HistoryRecordFactory(
        staff=cast.staff["teacher_a"], title="𠮷田先生の講座", category="required_i"
    )
    HistoryRecordFactory(
        staff=cast.staff["teacher_a"], start=date(2024, 5, 1), category="other_iii"
    )
    HistoryRecordFactory(staff=cast.staff["teacher_b"])


@pytest.mark.usefixtures("records")
def test_list_is_scoped_and_filtered(cast: Cast) -> None:
    url = reverse("api:history")
    mine = cast.client("teacher_a").get(url).json()
    assert mine["count"] == 2
    assert {r["staff_number"] for r in mine["results"]} == {"10000002"}
    assert not AuditEvent.objects.exists()  # one's own history
    board = cast.client("board_officer").get(url, {"fiscal_year": 2025}).json()
    assert board["count"] == 1 and board["results"][0]["title"] == "𠮷田先生の講座"
    assert AuditEvent.objects.get().action == "records.history.api_list"
    filtered = cast.client("board_officer").get(url, {"category": "other_iii"}).json()
    assert filtered["count"] == 1
    other = cast.client("principal_a").get(url, {"staff": cast.staff["teacher_b"].pk})
    assert other.status_code == 404
    assert (
        cast.client("teacher_a").get(url, {"staff": cast.staff["teacher_b"].pk}).status_code == 404
    )
    assert cast.client("anonymous").get(url).status_code == 401
    assert cast.client("teacher_a").get(url, {"fiscal_year": "x"}).status_code == 400


def test_create_then_confirm(cast: Cast) -> None:
    response = cast.client("teacher_a").post(
        reverse("api:history"),
        {
            "category": "other_iii",
            "title": "オンライン講座",
            "organiser_name": "教職員支援機構",
            "format": "on_demand",
            "start": "2025-09-01",
            "end": "2025-09-01",
            "hours": "1.5",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    record = response.json()
    assert record["status"] == "submitted" and record["counts"] is False
    bad = cast.client("teacher_a").post(
        reverse("api:history"),
        {
            "category": "required_i",
            "title": "x",
            "organiser_name": "x",
            "start": "2025-09-01",
            "end": "2025-09-01",
            "hours": 1,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    confirm = reverse("api:history_confirm", args=[record["id"]])
    assert cast.client("teacher_a").post(confirm).status_code == 403
    assert cast.client("teacher_b").post(confirm).status_code == 404
    done = cast.client("principal_a").post(confirm)
    assert done.status_code == 200 and done.json()["counts"] is True
    assert cast.client("principal_a").post(confirm).status_code == 409
    returned = cast.client("principal_a").post(
        reverse("api:history_return", args=[record["id"]]),
        {"reason": "x"},
        content_type="application/json",
    )
    assert returned.status_code == 409
    assert HistoryRecord.objects.get().confirmed_by == cast.account("principal_a")


@pytest.mark.usefixtures("records")
def test_export_csv_and_cp932_report(cast: Cast) -> None:
    client = cast.client("board_officer")
    response = client.get(reverse("api:history_export"))
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"\xef\xbb\xbf")
    response = client.get(reverse("api:history_export"), {"encoding": "cp932"})
    assert response["Content-Type"] == "text/csv; charset=windows-31j"
    assert response["X-Manabi-Replacements"] == "1"
    [message] = json.loads(response["X-Manabi-Replacement-Messages"])
    assert "U+20BB7" in message
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("cp932"))))  # type: ignore[attr-defined]
    assert "〓田先生の講座" in [row[8] for row in rows]
    xlsx = client.get(reverse("api:history_export"), {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("api:history_export"), {"format": "pdf"}).status_code == 400
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["records.history.export"] * 3


def test_frameworks_and_coverage(cast: Cast) -> None:
    framework = framework_with_items(cast.orgs["pref"])
    record = HistoryRecordFactory(staff=cast.staff["teacher_a"])
    record.indicator_items.set(framework.items.filter(code="A-1"))
    HistoryRecordFactory(staff=cast.staff["teacher_a"], title="紐づけなし")
    [data] = cast.client("teacher_a").get(reverse("api:indicator_frameworks")).json()
    assert data["stages"] == ["着任時", "第1ステージ", "第2ステージ"]
    assert len(data["items"]) == 9
    url = reverse("api:indicator_coverage", args=[cast.staff["teacher_a"].pk])
    coverage: Any = cast.client("teacher_a").get(url).json()
    assert coverage["areas"][0] == {
        "area": "授業力",
        "items": 3,
        "covered": 1,
        "percent": 33,
        "records": 1,
    }
    assert [u["title"] for u in coverage["unlinked"]] == ["紐づけなし"]
    assert cast.client("teacher_b").get(url).status_code == 404
    assert cast.client("principal_a").get(url).status_code == 200
    assert AuditEvent.objects.get().action == "records.coverage.api_view"


def test_schema_documents_the_history_api(cast: Cast) -> None:
    response = cast.client("teacher_a").get(reverse("api-schema"), {"format": "json"})
    schema = json.loads(response.content)
    for path in (
        "/api/v1/history/",
        "/api/v1/history/export",
        "/api/v1/history/{record_id}/confirm/",
        "/api/v1/history/{record_id}/return/",
        "/api/v1/indicators/frameworks/",
        "/api/v1/indicators/coverage/{staff_id}/",
    ):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/history/"]["get"]["parameters"]}
    assert {"staff", "fiscal_year", "category"} <= params
