"""The outputs of the attendance book over the school-affairs cast: the printed and Excel month
of a class, its 年度 per pupil, the school's summary and the board's counts, with who may see
which (別表1 defaults: every staff member sees every book, 印刷 and Excel出力 are 学級担当)."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from manabi.access.services import CellChange, function_permissions_set
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.scopes import Scope
from manabi.accounts.selectors import acting_for
from manabi.attendance import reports, selectors, services
from manabi.attendance.choices import AbsenceReason, ClosureKind, MarkStatus
from manabi.attendance.report_views import parse_month
from manabi.attendance.rules import ReasonCategory
from manabi.core import wareki
from manabi.core.models import AuditEvent
from manabi.core.pdf import PdfUnavailable
from manabi.students.models import Enrolment, Student
from tests.school_personas import SchoolCast
from tests.system import require_command

pytestmark = pytest.mark.django_db

ABSENT = services.MarkData(status=MarkStatus.ABSENT, reason=AbsenceReason.ILLNESS)
SUSPENDED = services.MarkData(status=MarkStatus.SUSPENDED, detail="インフルエンザ")
LATE = services.MarkData(status=MarkStatus.PRESENT, late=True)


def weekdays(year: int, month: int) -> list[date]:
    start, end = selectors.month_bounds(year, month)
    return [
        start + timedelta(n)
        for n in range((end - start).days + 1)
        if (start + timedelta(n)).weekday() < 5
    ]


def url(name: str, sc: SchoolCast, key: str = "a1_1", query: str = "") -> str:
    return reverse(f"attendance_reports:{name}", args=[sc.classes[key].pk]) + query


def mark(sc: SchoolCast, pupil: str, day: date, data: services.MarkData, key: str = "a1_1") -> None:
    services.mark_set(
        actor=acting_for(sc.account("teacher_a")),
        school_class=sc.classes[key],
        student_id=sc.students[pupil].pk,
        day=day,
        data=data,
    )


@pytest.fixture
def december(school_cast: SchoolCast) -> dict[str, Any]:
    """The worked month: December of the cast's 年度 in 1年1組. A1-1 is absent (病気) on the
    first weekday, A1-2 suspended (出席停止) on the second, A1-3 late on the third; the class
    is closed (学級閉鎖) on the sixth and seventh weekdays."""
    sc = school_cast
    days = weekdays(sc.year, 12)
    mark(sc, "A1-1", days[0], ABSENT)
    mark(sc, "A1-2", days[1], SUSPENDED)
    mark(sc, "A1-3", days[2], LATE)
    services.closure_create(
        actor=acting_for(sc.account("principal_a")),
        school_class=sc.classes["a1_1"],
        kind=ClosureKind.CLASS,
        start=days[5],
        end=days[6],
        reason="インフルエンザの流行",
    )
    return {"days": days, "lesson_days": len(days) - 2, "query": f"?month={sc.year}-12"}


def absent_days(sc: SchoolCast, pupil: str, *runs: tuple[int, str]) -> None:
    """Runs of lesson days of absence for the pupil, one after the other from April on
    (through services: ``mark_range`` over at most 40 days at a time)."""
    actor = acting_for(sc.account("teacher_a"))
    day = date(sc.year, 4, 1)
    for count, reason in runs:
        left = count
        while left:
            end = day + timedelta(days=40)
            lessons = [
                d.date for d in selectors.class_days(sc.classes["a1_1"], day, end) if d.lesson
            ][:left]
            services.mark_range(
                actor=actor,
                school_class=sc.classes["a1_1"],
                student_id=sc.students[pupil].pk,
                start=lessons[0],
                end=lessons[-1],
                data=services.MarkData(status=MarkStatus.ABSENT, reason=reason),
            )
            left -= len(lessons)
            day = lessons[-1] + timedelta(days=1)


# --- the printed month -------------------------------------------------------------------


def test_the_month_prints_as_schools_print_it(
    school_cast: SchoolCast, december: dict[str, Any], tmp_path: Any
) -> None:
    sc = school_cast
    response = sc.client("teacher_a").get(url("month_pdf", sc, query=december["query"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="attendance.month.print")
    assert event.details == {"month": f"{sc.year}-12", "pupils": 3}
    pdftotext = require_command("pdftotext", "poppler-utils")
    path = tmp_path / "month.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = text.replace(" ", "")
    for expected in (
        "出席簿",
        f"{wareki.format_era_year(sc.year)}12月",
        "みなみ小学校",
        "1年1組",
        "南花子",  # the homeroom teacher
        "青木A1-1",
        "授業日数",
        "欠席日数",
        "未確定",
        "学級担任",
        "校長",
    ):
        assert expected in flat, expected


def test_the_sheet_has_the_marks_the_shading_and_the_totals(
    school_cast: SchoolCast, december: dict[str, Any]
) -> None:
    sc = school_cast
    sheet = reports.month_sheet(sc.classes["a1_1"], sc.year, 12)
    days = december["days"]
    rows = {row.name: row for row in sheet.rows}
    assert [r.number for r in sheet.rows] == [1, 2, 3]
    assert rows["青木 A1-1"].cells[days[0].day - 1].text == "／"
    assert rows["伊藤 A1-2"].cells[days[1].day - 1].text == "停"
    assert rows["上田 A1-3"].cells[days[2].day - 1].text == "遅"
    closed = sheet.days[days[5].day - 1]
    assert not closed.lesson and closed.label == "学級閉鎖"
    assert sheet.class_lesson_days == december["lesson_days"]
    assert sheet.absent_by_day[days[0].day - 1] == 1
    assert rows["伊藤 A1-2"].totals_cells == [
        december["lesson_days"],
        1,
        december["lesson_days"] - 1,
        0,
        december["lesson_days"] - 1,
        0,
        0,
    ]


def test_a_locked_month_prints_its_date_and_hash(
    school_cast: SchoolCast, december: dict[str, Any]
) -> None:
    sc = school_cast
    klass = sc.classes["a1_1"]
    services.month_close(
        actor=acting_for(sc.account("teacher_a")), school_class=klass, year=sc.year, month=12
    )
    lock = services.month_lock(
        actor=acting_for(sc.account("principal_a")), school_class=klass, year=sc.year, month=12
    )
    sheet = reports.month_sheet(klass, sc.year, 12)
    assert sheet.locked and sheet.digest == lock.content_sha256[:16]
    html = render_to_string(
        "attendance/reports/pdf/month.html",
        {
            "sheet": sheet,
            "legend": reports.LEGEND,
            "totals_header": reports.TOTALS_HEADER,
            "locked_on": "令和8年12月25日",
        },
    )
    assert "ロック済み（令和8年12月25日）" in html
    assert lock.content_sha256[:16] in html and lock.content_sha256 not in html
    assert "未確定" not in html


def test_a_missing_pdf_library_sends_back_with_a_message(
    school_cast: SchoolCast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*args: Any, **kwargs: Any) -> Any:
        raise PdfUnavailable("PDF を作成できません")

    monkeypatch.setattr("manabi.attendance.report_views.pdf_response", unavailable)
    sc = school_cast
    response = sc.client("teacher_a").get(url("month_pdf", sc))
    assert response.status_code == 302
    assert response["Location"] == url("class_year", sc)
    assert not AuditEvent.objects.filter(action="attendance.month.print").exists()


# --- Excel --------------------------------------------------------------------------------


def workbook_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_month_in_excel_has_the_worked_numbers(
    school_cast: SchoolCast, december: dict[str, Any]
) -> None:
    sc = school_cast
    rows = workbook_rows(sc.client("teacher_a").get(url("month_xlsx", sc, query=december["query"])))
    header, days_row, *pupils = rows
    assert header[:2] == ["出席番号", "氏名"]
    assert header[-7:] == list(reports.TOTALS_HEADER)
    first = december["days"][0]
    assert header[1 + first.day] == f"{first.day}({'月火水木金土日'[first.weekday()]})"
    assert days_row[1 + december["days"][5].day] == "学級閉鎖"
    by_name = {r[1]: r for r in pupils}
    n = december["lesson_days"]
    assert by_name["青木 A1-1"][1 + first.day] == "／"
    assert by_name["青木 A1-1"][-7:] == [n, 0, n, 1, n - 1, 0, 0]
    assert by_name["伊藤 A1-2"][-7:] == [n, 1, n - 1, 0, n - 1, 0, 0]
    assert by_name["上田 A1-3"][-7:] == [n, 0, n, 0, n, 1, 0]
    assert AuditEvent.objects.filter(action="attendance.month.excel_out").count() == 1


def test_the_year_in_excel_has_a_row_per_pupil_and_month(
    school_cast: SchoolCast, december: dict[str, Any]
) -> None:
    sc = school_cast
    header, *rows = workbook_rows(sc.client("teacher_a").get(url("class_year_xlsx", sc)))
    assert header == list(reports.CLASS_YEAR_HEADER)
    assert len(rows) == 3 * 13
    mine = [r for r in rows if r[1] == "青木 A1-1"]
    assert [r[2] for r in mine] == [*(f"{m}月" for m in (*range(4, 13), 1, 2, 3)), "年間"]
    year = mine[-1]
    absent = header.index("欠席日数")
    assert year[absent] == 1 and mine[8][absent] == 1  # December is the ninth month
    assert year[header.index("欠席理由 病気")] == 1


def test_a_bad_month_falls_back_with_a_warning_and_another_year_is_not_found(
    school_cast: SchoolCast,
) -> None:
    sc = school_cast
    client = sc.client("teacher_a")
    for bad in (
        "abc",
        f"{sc.year}-13",
        "２０２６-１２",
        f"{sc.year}-1",
        "1003568125871054442617129402368",
    ):
        response = client.get(url("month_xlsx", sc, query=f"?month={bad}"))
        assert response.status_code == 200, bad
        shown = [str(m) for m in get_messages(response.wsgi_request)]
        assert any(m.startswith("月の指定「") and "年-月" in m for m in shown), (bad, shown)
    assert client.get(url("month_xlsx", sc, query=f"?month={sc.year - 1}-12")).status_code == 404
    assert client.get(url("month_pdf", sc, query=f"?month={sc.year + 1}-04")).status_code == 404
    # The first month of the next calendar year still belongs to this 年度.
    assert client.get(url("month_xlsx", sc, query=f"?month={sc.year + 1}-03")).status_code == 200


def test_parse_month() -> None:
    assert parse_month("2026-12") == (2026, 12)
    assert parse_month(" 2027-03 ") == (2027, 3)
    for bad in ("2026-00", "2026-13", "2026-1", "26-12", "２０２６-１２", "2026/12", "", "1999-04"):
        assert parse_month(bad) is None, bad


# --- a class's year -----------------------------------------------------------------------


def test_the_class_year_counts_each_pupil_and_flags_long_absence(
    school_cast: SchoolCast, december: dict[str, Any]
) -> None:
    sc = school_cast
    absent_days(sc, "A1-3", (20, AbsenceReason.ILLNESS), (10, AbsenceReason.NON_ATTENDANCE))
    response = sc.client("teacher_a").get(url("class_year", sc))
    assert response.status_code == 200
    pupils = {p.name: p for p in response.context["year"].pupils}
    assert pupils["青木 A1-1"].totals.absent_days == 1
    assert pupils["伊藤 A1-2"].totals.leave_days == 1
    long = pupils["上田 A1-3"]
    assert long.long_absence and long.totals.absent_days == 30
    assert long.totals.absence_by_reason[ReasonCategory.NON_ATTENDANCE] == 10
    html = response.content.decode()
    assert "長期欠席" in html and "病気 20日・不登校 10日" in html
    assert "<details>" in html and "出席しなければならない日数" in html
    december_line = response.context["year"].months[8]
    assert december_line.lesson_days == december["lesson_days"]
    assert december_line.totals.absent_days == 1 and december_line.totals.late == 1
    # Links to print and export for the homeroom teacher.
    assert url("month_pdf", sc, query=f"?month={sc.year}-12") in html
    assert AuditEvent.objects.filter(action="attendance.year.view").count() == 1


# --- summaries ----------------------------------------------------------------------------


def test_the_school_summary_agrees_with_the_class_books(
    school_cast: SchoolCast, december: dict[str, Any]
) -> None:
    sc = school_cast
    mark(sc, "A2-1", december["days"][0], ABSENT, key="a1_2")
    response = sc.client("principal_a").get(reverse("attendance_reports:school_summary"))
    assert response.status_code == 200
    rows = {r.label: r for r in response.context["rows"]}
    a11 = rows["1年1組"]
    assert a11.figures.pupils == 3
    assert (a11.figures.absent_days, a11.figures.leave_days, a11.figures.late) == (1, 1, 1)
    books = selectors.class_year_totals(sc.classes["a1_1"])
    assert a11.figures.absent_days == sum(p.totals.absent_days for p in books)
    assert rows["1年2組"].figures.absent_days == 1
    grade1 = rows["1年 計"]
    # 1年1組 (3), 1年2組 (2) and ひまわり学級 (1).
    assert (grade1.figures.pupils, grade1.figures.absent_days) == (6, 2)
    school = rows["学校全体"]
    assert (school.figures.pupils, school.figures.absent_days, school.level) == (8, 2, "school")
    months = {m.month: m for m in response.context["months"]}
    assert months[(sc.year, 12)].figures.absent_days == 2
    assert months[(sc.year, 11)].figures.absent_days == 0
    # A month of the year narrows the rows; the class's 授業日数 is the month's.
    response = sc.client("principal_a").get(
        reverse("attendance_reports:school_summary") + december["query"]
    )
    rows = {r.label: r for r in response.context["rows"]}
    assert rows["1年1組"].lesson_days == december["lesson_days"]
    assert rows["学校全体"].figures.absent_days == 2
    assert AuditEvent.objects.filter(action="attendance.summary.view").count() == 2


def test_the_school_summary_reads_in_bulk(school_cast: SchoolCast) -> None:
    """Six queries for the whole school's year, however many pupils and marks it has."""
    sc = school_cast

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            summary = reports.school_summary(sc.cast.orgs["school_a"].pk, sc.year)
            summary.rows(None)
            summary.months()
        return len(ctx.captured_queries)

    before = queries()
    klass = sc.classes["a2_1"]
    day = weekdays(sc.year, 6)[0]
    for n in range(40):
        student = Student.objects.create(
            code=f"Q{n:06d}",
            family_name="追加",
            given_name=str(n),
            family_kana="ついか",
            given_kana="じどう",
            sex="female",
            birth_date=date(sc.year - 8, 4, 2),
        )
        Enrolment.objects.create(
            student=student,
            school=klass.school,
            fiscal_year=sc.year,
            grade=2,
            school_class=klass,
            number=10 + n,
            start_date=date(sc.year, 4, 1),
        )
        services.mark_set(
            actor=acting_for(sc.account("principal_a")),
            school_class=klass,
            student_id=student.pk,
            day=day,
            data=ABSENT,
        )
    assert queries() == before <= 6
    summary = reports.school_summary(sc.cast.orgs["school_a"].pk, sc.year)
    assert summary.school((day.year, day.month)).absent_days == 40


def test_a_month_outside_the_year_shows_the_year_with_a_warning(school_cast: SchoolCast) -> None:
    sc = school_cast
    response = sc.client("principal_a").get(
        reverse("attendance_reports:school_summary") + f"?month={sc.year - 1}-05"
    )
    assert response.status_code == 200
    assert response.context["period"] is None
    assert any("年間の集計" in str(m) for m in response.context["messages"])


def test_the_board_sees_counts_of_its_schools_and_never_names(
    school_cast: SchoolCast, december: dict[str, Any]
) -> None:
    sc = school_cast
    absent_days(sc, "A1-3", (30, AbsenceReason.NON_ATTENDANCE))
    response = sc.client("board_officer").get(reverse("attendance_reports:board_summary"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert [s.name for s in counts.schools] == ["みなみ小学校"]  # きた中学校 is another board's
    a = counts.schools[0].figures
    assert (a.pupils, a.absent_days, a.leave_days, a.long_absent) == (8, 31, 1, 1)
    assert a.long_absence_by_reason[ReasonCategory.NON_ATTENDANCE] == 30
    html = response.content.decode()
    for name in ("青木", "伊藤", "上田", "A1-1", "A1-3", "南 花子"):
        assert name not in html
    assert AuditEvent.objects.filter(action="attendance.board_summary.view").count() == 1
    # The system administrator sees every school.
    response = sc.client("system_admin").get(reverse("attendance_reports:board_summary"))
    names = [s.name for s in response.context["counts"].schools]
    assert "みなみ小学校" in names and "きた中学校" in names


def test_a_board_is_sent_from_the_school_summary_to_its_counts(school_cast: SchoolCast) -> None:
    sc = school_cast
    response = sc.client("board_officer").get(reverse("attendance_reports:school_summary"))
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance_reports:board_summary")


# --- who may see what ---------------------------------------------------------------------

CLASS_PAGES = ("month_pdf", "month_xlsx", "class_year", "class_year_xlsx")


def status(sc: SchoolCast, persona: str, name: str, key: str = "a1_1") -> int:
    return int(sc.client(persona).get(url(name, sc, key)).status_code)


def test_another_school_and_boards_do_not_find_the_class_pages(school_cast: SchoolCast) -> None:
    sc = school_cast
    for name in CLASS_PAGES:
        for persona in ("teacher_b", "board_officer", "system_admin"):
            assert status(sc, persona, name) == 404, (name, persona)
    assert not AuditEvent.objects.exists()


def test_print_and_excel_are_for_ones_own_class_by_default(school_cast: SchoolCast) -> None:
    sc = school_cast
    # teacher_a sees 1年2組's book (閲覧 管理者) but prints and exports only 1年1組 (学級担当).
    assert status(sc, "teacher_a", "class_year", "a1_2") == 200
    for name in ("month_pdf", "month_xlsx", "class_year_xlsx"):
        assert status(sc, "teacher_a", name, "a1_2") == 403, name
        assert status(sc, "homeroom_a2", name, "a1_2") == 200, name
    assert status(sc, "principal_a", "month_xlsx", "a2_1") == 200


@pytest.mark.parametrize("persona", ["clerk_a", "nurse_a"])
def test_office_and_nurse_read_but_neither_print_nor_export(
    school_cast: SchoolCast, persona: str
) -> None:
    sc = school_cast
    assert status(sc, persona, "class_year") == 200
    for name in ("month_pdf", "month_xlsx", "class_year_xlsx"):
        assert status(sc, persona, name) == 403, name
    response = sc.client(persona).get(reverse("attendance_reports:school_summary"))
    assert response.status_code == 200
    assert sc.client(persona).get(reverse("attendance_reports:board_summary")).status_code == 403
    # The page offers no links it would refuse.
    html = sc.client(persona).get(url("class_year", sc)).content.decode()
    assert "month.pdf" not in html and "year.xlsx" not in html


def test_the_school_summary_needs_the_whole_school(school_cast: SchoolCast) -> None:
    sc = school_cast
    function_permissions_set(
        actor=acting_for(sc.account("principal_a")),
        school=sc.cast.orgs["school_a"],
        group=RoleGroup.TEACHER,
        changes=[CellChange("attendance.book", "view", Scope.CLASS)],
    )
    before = AuditEvent.objects.count()
    assert (
        sc.client("teacher_a").get(reverse("attendance_reports:school_summary")).status_code == 403
    )
    assert status(sc, "teacher_a", "class_year", "a1_2") == 404
    assert status(sc, "teacher_a", "class_year", "a1_1") == 200
    assert (
        sc.client("principal_a").get(reverse("attendance_reports:school_summary")).status_code
        == 200
    )
    assert AuditEvent.objects.count() == before + 2  # the two pages shown
