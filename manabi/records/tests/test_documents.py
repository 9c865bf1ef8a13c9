"""The printable 研修受講履歴 (A4 PDF) and the coverage that goes with it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.eligibility.tests.test_documents import pdf_text, render
from manabi.indicators.tests.factories import framework_with_items
from manabi.records import documents
from manabi.records.coverage import organisation_coverage, staff_coverage
from manabi.records.models import HistoryRecord
from manabi.records.selectors import history_by_year, history_records
from manabi.records.tests.factories import HistoryRecordFactory
from manabi.records.tests.helpers import submit
from tests.personas import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(cast: Cast) -> None:
    framework = framework_with_items(cast.orgs["pref"])
    teacher = cast.staff["teacher_a"]
    linked = HistoryRecordFactory(staff=teacher, title="教職2年次研修", start=date(2024, 7, 1))
    linked.indicator_items.set(framework.items.filter(code__in=["A-1", "B-1"]))
    HistoryRecordFactory(staff=teacher, title="ICT 活用講座", start=date(2025, 5, 10))
    submit(cast, title="夏の算数研究会")  # not confirmed: shown, not counted


def test_coverage_counts_confirmed_records_and_shows_unlinked(cast: Cast, history: None) -> None:
    view = staff_coverage(cast.staff["teacher_a"])
    assert view.coverage is not None
    assert view.coverage.items_covered == 2
    assert [r.title for r in view.coverage.unlinked] == ["ICT 活用講座"]
    assert [a.percent for a in view.coverage.areas] == [33, 33, 0]
    school = organisation_coverage(cast.orgs["school_a"])
    assert school.coverage is not None and school.coverage.people == 2
    assert [a.percent for a in school.coverage.areas] == [17, 17, 0]


def test_history_pdf_has_the_header_the_table_and_the_chart(
    cast: Cast, history: None, tmp_path: Path
) -> None:
    teacher = cast.staff["teacher_a"]
    body = render(
        lambda: documents.history_pdf(
            staff=teacher,
            organisation=cast.orgs["school_a"],
            years=history_by_year(history_records(teacher)),
            coverage=staff_coverage(teacher),
        )
    )
    text = pdf_text(body, tmp_path)
    for expected in (
        "研修受講履歴",
        "南花子",
        "10000002",
        "みなみ小学校",
        "令和6年度〜令和7年度",
        "教職2年次研修",
        "夏の算数研究会",
        "確認待ち",
        "育成指標の網羅状況",
        "授業力",  # a label of the SVG radar chart
        "育成指標に紐づいていない研修(確認済み):1件",
    ):
        assert expected in text, expected


def test_pdf_download_is_audited(
    cast: Cast, history: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "render_pdf", lambda template, context: b"%PDF-1.7 test")
    url = reverse("records:staff_history_pdf", args=[cast.staff["teacher_a"].pk])
    response = cast.client("principal_a").get(url)
    assert response.content == b"%PDF-1.7 test"
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.latest("seq").action == "records.history.print"
    assert cast.client("teacher_b").get(url).status_code == 404
    assert HistoryRecord.objects.count() == 3
