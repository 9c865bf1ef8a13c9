"""The 児童生徒名簿 and 学籍 pages over the school-affairs cast: scoping by 別表1, audit, query
counts, 入学 registration with its errors."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.students.models import Enrolment, Sex, Student
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db


def listed(sc: SchoolCast, persona: str, query: str = "") -> set[str]:
    response = sc.client(persona).get(reverse("students:roster") + query)
    assert response.status_code == 200, response.status_code
    return {e.student.given_name for e in response.context["page"].object_list}


def test_each_scope_sees_its_pupils(school_cast: SchoolCast) -> None:
    sc = school_cast
    assert listed(sc, "teacher_a") == {"A1-1", "A1-2", "A1-3"}
    assert listed(sc, "homeroom_a2") == {"A2-1", "A2-2"}
    # The 教科担当 reaches the pupils of the lesson class through it.
    assert listed(sc, "subject_a") == {"A1-1", "A2-1"}
    assert listed(sc, "principal_a") == {
        "A1-1",
        "A1-2",
        "A1-3",
        "A2-1",
        "A2-2",
        "B1-1",
        "B1-2",
        "S-1",
    }
    assert listed(sc, "system_staff_a") == listed(sc, "principal_a")
    assert listed(sc, "teacher_b") == {"K1-1", "K1-2"}


def test_filters_and_kana_in_either_script(school_cast: SchoolCast) -> None:
    sc = school_cast
    assert listed(sc, "principal_a", "?q=アオキ") == {"A1-1"}
    assert listed(sc, "principal_a", "?q=あおき") == {"A1-1"}
    assert listed(sc, "principal_a", "?grade=2") == {"B1-1", "B1-2"}
    klass = sc.classes["a1_2"].pk
    assert listed(sc, "principal_a", f"?school_class={klass}") == {"A2-1", "A2-2"}
    # A class outside one's scope is not a choice: the filter is ignored, not widened.
    assert listed(sc, "teacher_a", f"?school_class={klass}") == {"A1-1", "A1-2", "A1-3"}


def test_list_and_record_views_are_audited(school_cast: SchoolCast) -> None:
    sc = school_cast
    sc.client("teacher_a").get(reverse("students:roster"))
    event = AuditEvent.objects.filter(action="students.list").latest("pk")
    assert event.details["count"] == 3
    student = sc.students["A1-1"]
    response = sc.client("teacher_a").get(reverse("students:detail", args=[student.pk]))
    assert response.status_code == 200
    assert "青木" in response.content.decode()
    assert AuditEvent.objects.filter(action="students.student.view", subject_id=student.pk).exists()


def test_another_schools_pupil_is_not_found(school_cast: SchoolCast) -> None:
    sc = school_cast
    other = sc.students["K1-1"]
    assert (
        sc.client("teacher_a").get(reverse("students:detail", args=[other.pk])).status_code == 404
    )
    assert (
        sc.client("principal_a").get(reverse("students:detail", args=[other.pk])).status_code == 404
    )
    # An id that no database could hold is a 404 too, not a server error.
    assert sc.client("principal_a").get("/students/99999999999999999999/").status_code == 404


def test_roster_page_costs_the_same_whatever_its_size(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("principal_a")
    client.get(reverse("students:roster"))  # warm caches (session, content types)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("students:roster")).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    klass = sc.classes["a2_1"]
    for n in range(20):
        student = Student.objects.create(
            code=f"X{n:05d}",
            family_name="追加",
            given_name=f"{n}",
            family_kana="ついか",
            given_kana="じどう",
            sex=Sex.MALE,
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
    assert queries() == before


def admission(sc: SchoolCast, **overrides: str) -> dict[str, str]:
    data = {
        "code": "P900001",
        "family_name": "山田",
        "given_name": "花子",
        "family_kana": "やまだ",
        "given_kana": "はなこ",
        "sex": Sex.FEMALE,
        "birth_date": f"{sc.year - 7}-06-01",
        "start_date": f"{sc.year}-04-01",
        "school_class": str(sc.classes["a1_1"].pk),
        "number": "4",
        "guardians-TOTAL_FORMS": "1",
        "guardians-INITIAL_FORMS": "0",
        "guardians-0-family_name": "山田",
        "guardians-0-given_name": "太郎",
        "guardians-0-relation": "父",
        "guardians-0-phone": "0120-000-000",
    }
    data.update(overrides)
    return data


def test_principal_registers_a_pupil(school_cast: SchoolCast) -> None:
    sc = school_cast
    response = sc.client("principal_a").post(reverse("students:create"), admission(sc))
    assert response.status_code == 302, response.context and response.context["form"].errors
    student = Student.objects.get(code="P900001")
    assert student.guardians.get().relation == "父"
    assert student.enrolments.get().school_class == sc.classes["a1_1"]
    assert listed(sc, "teacher_a") >= {"花子"}


def test_bad_kana_and_taken_number_are_reported_and_nothing_is_written(
    school_cast: SchoolCast,
) -> None:
    sc = school_cast
    client = sc.client("principal_a")
    response = client.post(reverse("students:create"), admission(sc, family_kana="Yamada"))
    assert response.status_code == 200
    assert "ふりがな" in str(response.context["form"].errors)
    # 出席番号 1 of 1年1組 is A1-1's.
    response = client.post(reverse("students:create"), admission(sc, number="1"))
    assert response.status_code == 200
    assert "出席番号" in response.content.decode()
    assert not Student.objects.filter(code="P900001").exists()


def test_a_teacher_may_not_register_or_change_pupils(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("teacher_a")
    assert client.post(reverse("students:create"), admission(sc)).status_code == 403
    pupil = sc.students["A1-1"]
    assert client.get(reverse("students:edit", args=[pupil.pk])).status_code == 403
    assert not Student.objects.filter(code="P900001").exists()


def test_roster_outputs(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("teacher_a")
    response = client.get(reverse("students:roster_xlsx"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body[:2] == b"PK"
    assert AuditEvent.objects.filter(action="students.roster.excel_out").exists()


def test_a_bad_filter_never_widens_an_output(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("principal_a")
    huge = "1003568125871054442617129402368"
    listed = client.get(reverse("students:roster") + f"?grade={huge}&q=南")
    assert listed.status_code == 200
    assert "絞り込みの条件に誤りがあります" in listed.content.decode()
    response = client.get(reverse("students:roster_xlsx") + f"?grade={huge}&q=南")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("students:roster") + "?")
    assert not AuditEvent.objects.filter(action="students.roster.excel_out").exists()
    followed = client.get(response["Location"])
    assert "Excel に出力していません" in followed.content.decode()


def test_board_sees_counts_not_names(school_cast: SchoolCast) -> None:
    sc = school_cast
    client = sc.client("board_officer")
    assert client.get(reverse("students:roster")).status_code == 302
    response = client.get(reverse("students:counts"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "みなみ小学校" in page
    assert "青木" not in page
    assert response.context["total"] == 8
