"""様式1–3 and the confirmation card: the PDFs carry the Japanese text (pdftotext), the .xlsx
has the columns of seed 003, an empty school prints 「該当者なし」, downloads are audited."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from manabi.accounts.selectors import acting_for
from manabi.core import pdf
from manabi.core.models import AuditEvent
from manabi.eligibility import documents, services
from manabi.eligibility.models import SchoolSubmission, Survey
from manabi.eligibility.selectors import confirmation_cards, form_sheets, staff_with_records
from manabi.eligibility.survey_rules import FORM_BY_NUMBER
from manabi.eligibility.tests.factories import (
    CompletedTrainingFactory,
    StaffLeaveFactory,
    StaffServicePeriodFactory,
)
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from tests.personas import SINCE, Cast
from tests.system import require, require_command

pytestmark = pytest.mark.django_db


def pdf_text(body: bytes, tmp_path: Path) -> str:
    pdftotext = require_command("pdftotext", "poppler-utils")
    path = tmp_path / "out.pdf"
    path.write_bytes(body)
    result = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout.replace(" ", "")


def render(call: object) -> bytes:
    try:
        body = call()  # type: ignore[operator]
    except pdf.PdfUnavailable:
        require(False, "WeasyPrint のライブラリ (libpango-1.0-0 libharfbuzz-subset0)")
        raise
    assert isinstance(body, bytes) and body.startswith(b"%PDF-")
    return body


@pytest.fixture
def submitted(cast: Cast) -> tuple[Survey, SchoolSubmission]:
    """School A answered: a sixth-year teacher with a 同行休業 (B=1) attends; school B: none."""
    person = StaffFactory(staff_number="10000009", name="東 一郎", kana="ひがし いちろう")
    AssignmentFactory(staff=person, organisation=cast.orgs["school_a"], start=SINCE)
    StaffServicePeriodFactory(staff=person, start=date(2018, 4, 1))
    StaffLeaveFactory(
        staff=person, kind="spouse_accompany", start=date(2019, 4, 1), end=date(2020, 3, 31)
    )
    survey = services.survey_open(
        actor=acting_for(cast.account("organizer")),
        prefecture=cast.orgs["pref"],
        fiscal_year=2025,
        deadline=date(2024, 7, 31),
        rules="niigata",
    )
    principal = acting_for(cast.account("principal_a"))
    submission = SchoolSubmission.objects.get(survey=survey, school=cast.orgs["school_a"])
    services.submission_recompute(actor=principal, submission=submission)
    decision = submission.decisions.get()
    services.decision_update(
        actor=principal, decision=decision, attend="yes", number=2, subject="理科"
    )
    submission = services.submission_submit(actor=principal, submission=submission)
    return survey, submission


def test_form_2_pdf(cast: Cast, submitted: tuple[Survey, SchoolSubmission], tmp_path: Path) -> None:
    survey, submission = submitted
    school_b = SchoolSubmission.objects.get(survey=survey, school=cast.orgs["school_b"])
    form = FORM_BY_NUMBER[2]
    body = render(lambda: documents.form_pdf(form, form_sheets([submission, school_b], form)))
    text = pdf_text(body, tmp_path)
    assert "令和7年度「教職6年次研修」受講該当者調査票" in text
    for expected in (
        "みなみ小学校",
        "S00001",
        "校長一郎",
        "10000009",
        "東一郎",
        "ひがしいちろう",
        "理科",
    ):
        assert expected in text, expected
    assert "在外勤務等同行休業のため(H31.4.1〜R2.3.31)" in text
    assert "電子承認" in text
    assert "きた中学校" in text and "該当者なし" in text  # the second school's page


def test_form_3_shows_age_and_c(
    cast: Cast, submitted: tuple[Survey, SchoolSubmission], tmp_path: Path
) -> None:
    _, submission = submitted
    form = FORM_BY_NUMBER[3]
    text = pdf_text(
        render(lambda: documents.form_pdf(form, form_sheets([submission], form))), tmp_path
    )
    assert "中堅教諭等資質向上研修" in text and "年齢" in text and "育休年数" in text
    assert "該当者なし" in text


def test_form_xlsx_columns(cast: Cast, submitted: tuple[Survey, SchoolSubmission]) -> None:
    survey, submission = submitted
    school_b = SchoolSubmission.objects.get(survey=survey, school=cast.orgs["school_b"])
    form = FORM_BY_NUMBER[3]
    body = documents.form_xlsx(
        FORM_BY_NUMBER[2], form_sheets([submission, school_b], FORM_BY_NUMBER[2])
    )
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "所属名",
        "所属コード",
        "電話番号",
        "所属長氏名",
        "電子承認",
        "職員コード",
        "職名",
        "氏名",
        "ふりがな",
        "教科",
        "在職合計年数 A",
        "育休以外の除算年数 B",
        "除算期間の理由",
        "可否",
        "番号",
        "備考",
    ]
    assert rows[1][:4] == ["みなみ小学校", "S00001", "", "校長 一郎"]
    assert rows[1][5:] == [
        "10000009",
        "教諭",
        "東 一郎",
        "ひがし いちろう",
        "理科",
        7,
        1,
        "在外勤務等同行休業のため (H31.4.1〜R2.3.31)",
        "○",
        2,
        "",
    ]
    assert rows[2][0] == "きた中学校" and rows[2][7] == "該当者なし"
    header_3 = documents.form_header(form)
    assert header_3[9] == "年齢" and "育休年数 C" in header_3


def test_downloads_are_audited(cast: Cast, submitted: tuple[Survey, SchoolSubmission]) -> None:
    survey, _ = submitted
    response = cast.client("organizer").get(
        reverse("eligibility:survey_form_download", args=[survey.pk, 2, "xlsx"])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="eligibility.form.download")
    assert event.details == {"form": 2, "format": "xlsx", "schools": 1}
    missing = cast.client("organizer").get(
        reverse("eligibility:survey_form_download", args=[survey.pk, 4, "pdf"])
    )
    assert missing.status_code == 404


def test_confirmation_card_pdf(cast: Cast, tmp_path: Path) -> None:
    teacher = cast.staff["teacher_a"]
    StaffServicePeriodFactory(
        staff=teacher, start=date(2018, 4, 1), end=date(2021, 3, 31), note="長野県で教諭"
    )
    StaffServicePeriodFactory(staff=teacher, start=date(2021, 4, 1))
    StaffLeaveFactory(
        staff=teacher, kind="childcare", start=date(2022, 6, 1), end=date(2023, 8, 31)
    )
    CompletedTrainingFactory(staff=teacher, training="second_year", year=2019)
    [card] = confirmation_cards([staff_with_records(teacher.pk)], fiscal_year=2025)
    assert (card.a, card.b, card.c) == (7, 0, 1)
    text = pdf_text(render(lambda: documents.cards_pdf([card])), tmp_path)
    for expected in (
        "令和7年度基本研修受講該当者確認カード",
        "南花子",
        "10000002",
        "令和7年3月31日現在",
        "(○)教職2年次研修",
        "長野県で教諭",
        "育児休業",
        "R4.6.1〜R5.8.31",
        "受講該当",
    ):
        assert expected in text, expected


def test_card_of_someone_without_a_birth_date(cast: Cast) -> None:
    teacher = cast.staff["teacher_b"]
    teacher.birth_date = None
    teacher.save()
    [card] = confirmation_cards([staff_with_records(teacher.pk)], fiscal_year=2025)
    assert card.a is None
    assert "生年月日が登録されていない" in card.problem


def test_own_card_download(cast: Cast, tmp_path: Path) -> None:
    teacher = cast.staff["teacher_a"]
    StaffServicePeriodFactory(staff=teacher, start=date(2024, 4, 1))
    response = cast.client("teacher_a").get(reverse("eligibility:staff_card", args=[teacher.pk]))
    if response.status_code == 302:  # WeasyPrint missing: a message instead of a PDF
        require(False, "WeasyPrint のライブラリ")
    assert response["Content-Type"] == "application/pdf"
    assert "南花子" in pdf_text(response.content, tmp_path)
    assert AuditEvent.objects.filter(action="eligibility.card.print").count() == 1
