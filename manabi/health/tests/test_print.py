"""The printed 健康診断 outputs: a pupil's 児童生徒健康診断票 (一般・歯・口腔) as the 様式 lays it
out (one column per 学年, the 歯式 per year), the お知らせ to the guardians (this year's
身長・体重・肥満度・視力 with the meaning of A–D), the 学級's お知らせ one page per pupil; who
may print them (another class's homeroom teacher gets 404) and the audit of every PDF."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.core.pdf import PdfUnavailable, render_pdf
from manabi.health import pdf, services
from manabi.health.models import DentalExam, HealthExam
from manabi.health.tests.world import HealthWorld
from tests.system import in_ci, require_command

# --- pure parts -------------------------------------------------------------------------------


def _exam(year: int, **values: object) -> HealthExam:
    return HealthExam(fiscal_year=year, **values)


def test_columns_one_per_grade_oldest_left() -> None:
    exams = [_exam(2023), _exam(2025), _exam(2026)]
    columns = pdf.year_columns(6, {2023: 1, 2024: 2, 2025: 2, 2026: 3}, exams, [])
    assert [(c.grade, c.fiscal_year) for c in columns] == [
        (1, 2023),
        (2, 2024),
        (2, 2025),  # 原級留置: the 学年 twice
        (3, 2026),
        (4, None),
        (5, None),
        (6, None),
    ]
    assert [c.exam is not None for c in columns[:4]] == [True, False, True, True]
    assert columns[0].year_label == "令和5年度" and columns[4].year_label == ""


def test_columns_of_a_junior_high_and_a_year_without_placement() -> None:
    columns = pdf.year_columns(3, {2025: 1}, [_exam(2025), _exam(2026)], [])
    assert [(c.grade, c.fiscal_year) for c in columns] == [
        (1, 2025),
        (2, None),
        (3, None),
        (None, 2026),
    ]


def test_general_rows_print_category_and_value() -> None:
    exam = _exam(
        2025,
        height_cm=Decimal("120.0"),
        weight_kg=Decimal("30.0"),
        obesity_degree=Decimal("30.8"),
        obesity_category="中等度肥満",
        vision_right_naked="0.8",
        vision_right_naked_category="B",
        vision_left_naked="C",
        vision_left_naked_category="C",
        hearing_right="所見なし",
        exam_date=date(2025, 5, 12),
    )
    columns = [pdf.YearColumn(grade=1, fiscal_year=2025, exam=exam)]
    rows = {(r.group, r.label): r.cells[0] for r in pdf.general_rows(columns, date(2018, 5, 2))}
    assert rows[("年齢", "")] == "6歳"
    assert rows[("年度", "")] == "令和7年度"
    assert rows[("身長 (cm)", "")] == "120.0"
    assert rows[("視力", "右 裸眼")] == "B (0.8)"
    assert rows[("視力", "左 裸眼")] == "C"
    assert rows[("視力", "右 矯正")] == ""
    assert rows[("聴力", "右")] == "所見なし"
    assert rows[("学校医", "月日")] == "5月12日"
    assert rows[("備考", "")] == "肥満度 30.8%\n(中等度肥満)"


def test_tooth_grid_has_the_52_places_of_the_form() -> None:
    grid = pdf.tooth_grid({"右上6": "C", "左下E": "×", "左上1": "/"})
    assert [len(r) for r in grid] == [16, 16, 16, 16]
    assert sum(1 for r in grid for c in r if c is not None) == 52
    upper = grid[0]
    assert [c.tooth for c in upper if c] == list("8765432112345678")
    assert upper[2] is not None and upper[2].mark == "C"  # 右上6
    assert upper[8] is not None and upper[8].mark == "/"  # 左上1
    primary_lower = grid[2]
    assert primary_lower[:3] == [None, None, None] and primary_lower[-3:] == [None, None, None]
    assert [c.tooth for c in primary_lower if c] == list("EDCBAABCDE")
    last = primary_lower[12]
    assert last is not None and last.tooth == "E" and last.mark == "×" and last.left_side


def test_cells() -> None:
    assert pdf.vision_text("", "") == ""
    assert pdf.vision_text("1.2", "A") == "A (1.2)"
    assert pdf.obesity_text(None, "") == ""
    assert pdf.scale_text(1, pdf.teeth.OralItem.GINGIVA) == "1 (GO)"
    assert pdf.scale_text(2, pdf.teeth.OralItem.PLAQUE) == "2"
    assert pdf.sender_of("みなみ小学校") == "みなみ小学校長"
    assert pdf.sender_of("みなみ学園") == "みなみ学園"


@pytest.mark.parametrize(
    ("naked", "corrected", "expected"),
    [("A", "", False), ("B", "", True), ("D", "A", False), ("A", "C", True), ("", "", False)],
)
def test_eye_doctor_when_any_eye_is_b_to_d(naked: str, corrected: str, expected: bool) -> None:
    exam = _exam(2025, vision_left_naked_category=naked, vision_left_corrected_category=corrected)
    assert pdf.needs_eye_doctor(exam) is expected


# --- the PDFs ---------------------------------------------------------------------------------


def _require_weasyprint() -> None:
    try:
        render_pdf("pdf/base.html", {})
    except PdfUnavailable:
        if in_ci():
            raise
        pytest.skip("WeasyPrint が使えないため省略")


def _text(body: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        [require_command("pdftotext", "poppler-utils"), "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.replace(" ", "").replace("\u3000", "")


def _enter(w: HealthWorld) -> None:
    """The nurse enters 伊藤 A1-2 (boy, 6): 120.0 cm, 30.0 kg (肥満度 30.8%, 中等度肥満),
    右裸眼 0.8 (B), 左裸眼 1.2 (A), and a 歯式."""
    boy = w.student("A1-2").pk
    services.grid_save(
        actor=w.acting("nurse_a"),
        school_class=w.class_a1,
        changes=[
            services.GridCell(boy, "height", "120.0"),
            services.GridCell(boy, "weight", "30.0"),
            services.GridCell(boy, "vision_right_naked", "0.8"),
            services.GridCell(boy, "vision_left_naked", "1.2"),
            services.GridCell(boy, "hearing_right", "○"),
        ],
    )
    services.exam_save(
        actor=w.acting("nurse_a"),
        enrolment=w.enrolment("A1-2"),
        values={"follow_up": "眼科受診を勧告", "doctor_findings": "特記なし"},
    )
    services.dental_save(
        actor=w.acting("nurse_a"),
        enrolment=w.enrolment("A1-2"),
        quadrants={"右上": "6C EC", "左上": "1/", "左下": "", "右下": ""},
        scales={"occlusion": "0", "jaw_joint": "0", "plaque": "1", "gingiva": "GO"},
        dentist_findings="むし歯の治療を",
        follow_up="歯科受診を勧告",
    )


def _print_events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.mark.django_db
def test_the_record_pdf_follows_the_form(health_world: HealthWorld, tmp_path: Path) -> None:
    w = health_world
    _require_weasyprint()
    _enter(w)
    url = reverse("health:pupil_record_pdf", args=[w.student("A1-2").pk])
    response = w.sc.client("nurse_a").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    text = _text(response.content, tmp_path)
    for expected in (
        "児童生徒健康診断票（一般）",
        "児童生徒健康診断票（歯・口腔）",
        "伊藤A1-2",
        "みなみ小学校",
        "6年",  # the 6th 学年 column of a 小学校
        "120.0",
        "30.0",
        "B(0.8)",
        "A(1.2)",
        "肥満度30.8%\n",  # 備考, the 判定 on its own line
        "(中等度肥満)",
        "眼科受診を勧告",
        "脊柱・胸郭・四肢",
        "耳鼻咽頭疾患",
        "むし歯の治療を",
        "歯科受診を",  # 事後措置 of the 歯・口腔 (a narrow cell: it wraps)
        "(GO)",  # 歯肉の状態 1
        "永久歯",
        "学校歯科医",
    ):
        assert expected in text, expected
    events = _print_events("health.exam.print")
    assert len(events) == 1
    assert events[0].subject_id == str(w.student("A1-2").pk)
    assert events[0].actor_login_id == w.sc.account("nurse_a").login_id


@pytest.mark.django_db
def test_the_letter_to_the_guardians(health_world: HealthWorld, tmp_path: Path) -> None:
    w = health_world
    _require_weasyprint()
    _enter(w)
    url = reverse("health:pupil_letter_pdf", args=[w.student("A1-2").pk])
    response = w.sc.client("nurse_a").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content, tmp_path)
    for expected in (
        "健康診断の結果のお知らせ",
        "保護者様",
        "みなみ小学校長",
        "1年1組2番",
        "伊藤A1-2",
        "120.0cm",
        "30.0kg",
        "30.8%",
        "判定:中等度肥満",
        "B(0.8)",
        "0.7〜0.9",
        "0.3未満",
        "視力の判定にB・C・Dがありました",
        "眼科を受診",
        "一般:眼科受診を勧告",
        "歯・口腔:歯科受診を勧告",
        "所見なし",
    ):
        assert expected in text, expected
    assert [e.subject_id for e in _print_events("health.letter.print")] == [
        str(w.student("A1-2").pk)
    ]


@pytest.mark.django_db
def test_the_class_letters_one_page_per_pupil(health_world: HealthWorld, tmp_path: Path) -> None:
    w = health_world
    _require_weasyprint()
    _enter(w)
    url = reverse("health:class_letters_pdf", args=[w.class_a1.pk])
    response = w.sc.client("nurse_a").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content, tmp_path)
    pages = text.split("\f")
    assert [p.count("健康診断の結果のお知らせ") for p in pages if p.strip()] == [1, 1, 1]
    assert "青木A1-1" in pages[0] and "伊藤A1-2" in pages[1] and "上田A1-3" in pages[2]
    assert "判定:中等度肥満" in pages[1] and "30.8%" not in pages[0]
    assert [e.subject_id for e in _print_events("health.letter.print")] == [
        str(w.student(k).pk) for k in ("A1-1", "A1-2", "A1-3")
    ]


@pytest.mark.django_db
def test_a_junior_high_record_has_three_grades(health_world: HealthWorld) -> None:
    w = health_world
    sheet = pdf.record_sheet(w.enrolment("K1-1"), today=date(2025, 6, 1))
    assert [c.grade_label for c in sheet.columns] == ["1年", "2年", "3年"]
    assert sheet.school.name == "きた中学校"


@pytest.mark.django_db
def test_a_teacher_of_another_class_gets_404(health_world: HealthWorld) -> None:
    w = health_world
    _enter(w)
    client = w.sc.client("homeroom_a2")
    boy = w.student("A1-2").pk
    for url in (
        reverse("health:pupil_record_pdf", args=[boy]),
        reverse("health:pupil_letter_pdf", args=[boy]),
        reverse("health:class_letters_pdf", args=[w.class_a1.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.get(reverse("health:pupil_record_pdf", args=[w.student("K1-1").pk])).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action__endswith=".print").exists()
    assert HealthExam.objects.count() == 1 and DentalExam.objects.count() == 1


@pytest.mark.django_db
def test_the_pages_link_to_the_pdfs(health_world: HealthWorld) -> None:
    w = health_world
    client = w.sc.client("nurse_a")
    boy = w.student("A1-2").pk
    page = client.get(reverse("health:pupil", args=[boy])).content.decode()
    assert reverse("health:pupil_record_pdf", args=[boy]) in page
    assert reverse("health:pupil_letter_pdf", args=[boy]) in page
    grid = client.get(reverse("health:class_grid", args=[w.class_a1.pk])).content.decode()
    assert reverse("health:class_letters_pdf", args=[w.class_a1.pk]) in grid
