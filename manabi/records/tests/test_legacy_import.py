"""Legacy history import (移行データ, Asttra-style), a kind of the shared import job: all or
nothing with a dry run and a per-row Japanese error report; importing the same history again
adds nothing; imported records are marked."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from manabi.accounts.selectors import Acting, acting_for
from manabi.core.models import AuditEvent
from manabi.imports.models import ImportJob, ImportKind
from manabi.imports.services import ImportJobError, import_job_commit_request, import_job_create
from manabi.imports.tests.files import csv_bytes, xlsx_bytes
from manabi.indicators.tests.factories import framework_with_items
from manabi.records.legacy_rows import COLUMNS, parse_hours
from manabi.records.models import HistoryRecord
from tests.personas import Cast

pytestmark = pytest.mark.django_db

HEADER = [c.name for c in COLUMNS]


def row(
    number: str = "10000002",
    title: str = "初任者研修(学級経営)",
    *,
    category: str = "必須 i",
    start: str = "2019-06-10",
    end: str = "",
    hours: str = "3",
    items: str = "",
    legacy_id: str = "",
    completed: str = "",
    fmt: str = "",
) -> list[str]:
    return [
        number,
        title,
        "県総合教育センター",
        "",
        category,
        start,
        end,
        hours,
        fmt,
        completed,
        items,
        "",
        legacy_id,
    ]


def upload(capture: Any, actor: Acting, data: bytes, name: str = "asttra.csv") -> ImportJob:
    with capture(execute=True):
        job = import_job_create(
            actor=actor, kind=ImportKind.LEGACY_HISTORY, file_name=name, content=data
        )
    job.refresh_from_db()
    return job


def commit(capture: Any, actor: Acting, job: ImportJob) -> ImportJob:
    with capture(execute=True):
        import_job_commit_request(actor=actor, job=job)
    job.refresh_from_db()
    return job


@pytest.fixture
def board(cast: Cast) -> Acting:
    return acting_for(cast.account("board_officer"))


def test_a_file_with_any_error_registers_nothing(
    cast: Cast, board: Acting, django_capture_on_commit_callbacks: Any
) -> None:
    data = csv_bytes(
        HEADER,
        [
            row(),
            row("10000003"),  # きた中学校: outside みなみ市
            row(title="", hours="三時間"),
            row(category="研修会", start="2019-13-01"),
            row(start="R2.4.10", end="R2.4.1"),
            row("123"),
        ],
    )
    job = upload(django_capture_on_commit_callbacks, board, data)
    assert job.status == "failed"
    messages = [e["message"] for e in job.report["errors"]]
    assert any(m.startswith("3行目「職員番号」") and "管轄内にいません" in m for m in messages)
    assert any(m.startswith("4行目「研修名」") and "入力してください" in m for m in messages)
    assert any(m.startswith("4行目「時間」") for m in messages)
    assert any(m.startswith("5行目「区分」") and "使えません" in m for m in messages)
    assert any(m.startswith("5行目「開始日」") and "存在しない日付" in m for m in messages)
    assert any(m.startswith("6行目「終了日」") and "開始日より前" in m for m in messages)
    assert any(m.startswith("7行目「職員番号」") and "8桁" in m for m in messages)
    assert job.report["counts"] == {}
    with pytest.raises(ImportJobError):
        commit(django_capture_on_commit_callbacks, board, job)
    assert not HistoryRecord.objects.exists()
    assert not AuditEvent.objects.exists()
    page = cast.client("board_officer").get(reverse("imports:job", args=[job.pk]))
    assert "3行目" in page.content.decode() and "何も登録" in page.content.decode()


def test_import_then_import_again_adds_nothing(
    cast: Cast, board: Acting, django_capture_on_commit_callbacks: Any
) -> None:
    framework_with_items(cast.orgs["pref"], fiscal_year=2019)
    rows = [
        row(items="A-1、B-2"),
        row("10000001", "校長研修", category="必須記録研修 i", start="H31.4.20", hours="90分"),
        row(
            title="算数研究会",
            category="自主研修",
            start="2020-08-03",
            completed="×",
            fmt="オンライン",
        ),
    ]
    job = upload(django_capture_on_commit_callbacks, board, csv_bytes(HEADER, rows))
    assert job.status == "validated", job.report
    assert job.report["counts"] == {"new": 3, "unchanged": 0}
    assert not HistoryRecord.objects.exists()  # the dry run writes nothing
    job = commit(django_capture_on_commit_callbacks, board, job)
    assert job.status == "committed"
    records = HistoryRecord.objects.order_by("start")
    assert records.count() == 3
    for record in records:
        assert record.source == "import"
        assert record.legacy_import == job
        assert record.status == "confirmed"
        assert record.source_ref.startswith("import:")
    first = records.get(title="初任者研修(学級経営)")
    assert sorted(first.indicator_items.values_list("code", flat=True)) == ["A-1", "B-2"]
    assert records.get(title="校長研修").hours == parse_hours("1.5")
    assert records.get(title="算数研究会").completed is False
    assert records.get(title="算数研究会").format == "live_online"
    [event] = AuditEvent.objects.all()
    assert event.action == "imports.legacy_history.commit"
    assert event.details["counts"] == {"new": 3, "unchanged": 0}

    # The same history again, even as an .xlsx: every row is "already registered".
    again = upload(
        django_capture_on_commit_callbacks, board, xlsx_bytes(HEADER, rows), name="asttra.xlsx"
    )
    assert again.report["counts"] == {"new": 0, "unchanged": 3}
    again = commit(django_capture_on_commit_callbacks, board, again)
    assert again.status == "committed"
    assert HistoryRecord.objects.count() == 3
    assert AuditEvent.objects.count() == 1  # nothing changed: no event


def test_legacy_ids_identify_records_and_duplicates_are_errors(
    cast: Cast, board: Acting, django_capture_on_commit_callbacks: Any
) -> None:
    data = csv_bytes(
        HEADER, [row(legacy_id="AS-1"), row(title="別名", legacy_id="AS-1"), row(), row()]
    )
    job = upload(django_capture_on_commit_callbacks, board, data)
    messages = [e["message"] for e in job.report["errors"]]
    assert any(m.startswith("3行目") and "2行目と同じ履歴ID" in m for m in messages)
    assert any(m.startswith("5行目") and "4行目と同じ内容" in m for m in messages)


def test_unknown_indicator_codes_are_errors(
    cast: Cast, board: Acting, django_capture_on_commit_callbacks: Any
) -> None:
    framework_with_items(cast.orgs["pref"])
    job = upload(django_capture_on_commit_callbacks, board, csv_bytes(HEADER, [row(items="Z-9")]))
    [error] = job.report["errors"]
    assert error["column"] == "育成指標" and "Z-9" in error["message"]


def test_pages_of_the_import(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = cast.client("board_officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("records:import_upload"),
            {"file": SimpleUploadedFile("asttra.csv", csv_bytes(HEADER, [row()]), "text/csv")},
        )
    job = ImportJob.objects.get()
    assert job.kind == ImportKind.LEGACY_HISTORY
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "この内容で登録する" in page and "新規" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_commit", args=[job.pk]))
    assert HistoryRecord.objects.get().legacy_import == job
    history = client.get(reverse("records:staff_history", args=[cast.staff["teacher_a"].pk]))
    assert "移行データ" in history.content.decode()
    assert cast.client("principal_a").get(reverse("records:import_upload")).status_code == 403
    url = reverse("imports:job", args=[job.pk])
    assert cast.client("principal_a").get(url).status_code == 404
    template = client.get(reverse("records:import_template"))
    assert b"".join(template.streaming_content).decode("utf-8-sig").startswith("職員番号,研修名")  # type: ignore[attr-defined]
