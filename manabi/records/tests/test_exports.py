"""Exports: UTF-8 with BOM by default, CP932 with the replacements reported, .xlsx; formula
neutralisation; large exports made in the background; every export audited."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from manabi.core.models import AuditEvent
from manabi.records import exports
from manabi.records.models import HistoryExport
from manabi.records.tests.factories import HistoryRecordFactory
from tests.personas import Cast

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com","x")'


@pytest.fixture
def records(cast: Cast, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    HistoryRecordFactory(staff=cast.staff["teacher_a"], title=FORMULA, note="+1 を含む")
    HistoryRecordFactory(staff=cast.staff["teacher_a"], title="𠮷野家で学ぶ研修〜夏〜")
    HistoryRecordFactory(staff=cast.staff["principal_a"], title="管理職研修")
    HistoryRecordFactory(staff=cast.staff["teacher_b"], title="きた町の研修")


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _rows(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding))))


@pytest.mark.usefixtures("records")
def test_csv_is_utf8_with_bom_neutralised_and_scoped(cast: Cast) -> None:
    response = cast.client("principal_a").post(
        reverse("records:export"), {"format": "csv", "encoding": "utf-8-sig"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = _rows(body, "utf-8-sig")
    assert rows[0] == list(exports.HEADER)
    titles = [row[8] for row in rows[1:]]
    assert "'" + FORMULA in titles  # a spreadsheet shows it as text, never runs it
    assert FORMULA not in titles
    assert "きた町の研修" not in titles  # school B is not the principal's
    assert {row[4] for row in rows[1:]} == {"みなみ小学校"}
    assert "'+1 を含む" in [row[20] for row in rows[1:]]
    event = AuditEvent.objects.get(action="records.history.export")
    assert event.details["rows"] == 3 and event.details["encoding"] == "utf-8-sig"


@pytest.mark.usefixtures("records")
def test_cp932_export_reports_what_was_replaced(cast: Cast) -> None:
    client = cast.client("board_officer")
    response = client.post(
        reverse("records:export"),
        {"format": "csv", "encoding": "cp932", "organisation": cast.orgs["school_a"].pk},
    )
    job = HistoryExport.objects.get()
    assert response["Location"] == reverse("records:export_job", args=[job.pk])
    assert job.status == "done" and job.rows_total == 3
    page = client.get(response["Location"]).content.decode()
    assert "置き換えた文字(1件)" in page
    assert "U+20BB7" in page and "〓" in page
    download = client.get(reverse("records:export_download", args=[job.pk]))
    assert download["Content-Type"] == "text/csv; charset=windows-31j"
    body = _body(download)
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = _rows(body, "cp932")
    assert "〓野家で学ぶ研修～夏～" in [row[8] for row in rows[1:]]
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["records.history.export", "records.history.export_download"]
    # Only the person who asked may see or download the file.
    assert cast.client("system_admin").get(response["Location"]).status_code == 404
    url = reverse("records:export_download", args=[job.pk])
    assert cast.client("principal_a").get(url).status_code == 404


@pytest.mark.usefixtures("records")
def test_xlsx_export(cast: Cast) -> None:
    response = cast.client("teacher_a").post(
        reverse("records:export"),
        {"format": "xlsx", "staff_id": cast.staff["teacher_a"].pk},
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(_body(response)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == list(exports.HEADER)
    assert len(rows) == 3
    assert "'" + FORMULA in [row[8] for row in rows]


def test_a_teacher_exports_only_their_own(cast: Cast) -> None:
    client = cast.client("teacher_a")
    response = client.post(reverse("records:export"), {"format": "csv"})
    assert response.status_code == 403
    response = client.post(
        reverse("records:export"), {"format": "csv", "staff_id": cast.staff["teacher_b"].pk}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


@pytest.mark.usefixtures("records")
def test_large_exports_run_in_the_background(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(exports, "INLINE_ROWS", 1)
    client = cast.client("board_officer")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("records:export"), {"format": "csv"})
    job = HistoryExport.objects.get()
    assert job.status == "queued"
    page = client.get(response["Location"]).content.decode()
    assert "hx-get" in page and "順番を待っています" in page
    for callback in callbacks:
        callback()  # the worker (immediate backend in tests)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 3
    progress = client.get(
        reverse("records:export_progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert progress["HX-Refresh"] == "true"
    assert "ダウンロード" in client.get(response["Location"]).content.decode()


@pytest.mark.usefixtures("records")
def test_old_export_files_are_removed_after_the_keeping_time(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    monkeypatch.setattr(exports, "INLINE_ROWS", 1)
    client = cast.client("board_officer")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("records:export"), {"format": "csv"})
    old, new = HistoryExport.objects.order_by("pk")
    assert old.status == new.status == "done" and old.file and new.file
    old_name = old.file.name
    HistoryExport.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    out = StringIO()
    call_command("records", "purge-exports", stdout=out)
    assert "7日を過ぎた出力ファイルを 1 件削除しました" in out.getvalue()
    old.refresh_from_db()
    assert old.status == "expired" and not old.file
    assert not old.file.storage.exists(old_name)
    new.refresh_from_db()
    assert new.status == "done" and new.file.storage.exists(new.file.name)
    response = client.get(reverse("records:export_download", args=[old.pk]), follow=True)
    assert "保存期間(7日)を過ぎたため" in response.content.decode()


def test_export_rows_stay_in_constant_batches(cast: Cast) -> None:
    """Rows are read in batches: one query for the records (a cursor) and two per batch
    (育成指標 codes, the people's organisations), never one per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from manabi.accounts.selectors import acting_for
    from manabi.records.selectors import HistoryFilters

    for _ in range(25):
        HistoryRecordFactory(staff=cast.staff["teacher_a"])
    board = acting_for(cast.account("board_officer"))
    with CaptureQueriesContext(connection) as queries:
        rows = list(exports.export_rows(board, HistoryFilters(), batch=10))
    assert len(rows) == 25
    assert len(queries) <= 1 + 2 * 3  # the records, then codes and organisations per batch


def test_the_fast_utf8_writer_writes_what_core_csvio_writes() -> None:
    """csv_chunks (UTF-8) is a batched form of core.csvio.csv_rows: the same bytes."""
    from datetime import date
    from decimal import Decimal

    from manabi.core.csvio import csv_rows

    def rows() -> list[list[object]]:
        row: list[object] = [
            "10000002",
            "=南 花子",
            "みなみ はなこ",
            "S00001",
            "@小学校",
            "教諭",
            2025,
            "必須 i",
            FORMULA,
            "-主催",
            "+2025",
            date(2025, 6, 1),
            date(2025, 6, 2),
            Decimal("3.5"),
            "対面",
            "○",
            "確認済み",
            "研修の修了",
            "A-1 B-2",
            "",
            '一行目\r\n二行目, "引用"',
        ]
        return [list(row) for _ in range(exports.BATCH + 3)]

    fast = b"".join(exports.csv_chunks([rows()[:5], rows()[5:]]))
    assert fast == b"".join(csv_rows(rows(), header=exports.HEADER))
    assert b"".join(exports.csv_chunks([])) == b"".join(csv_rows([], header=exports.HEADER))


def test_the_formula_characters_are_those_of_core_csvio() -> None:
    from manabi.core.csvio import is_formula_like

    found = {chr(code) for code in range(0x10000) if is_formula_like(chr(code))}
    assert found == set(exports.FORMULA_FIRST)
