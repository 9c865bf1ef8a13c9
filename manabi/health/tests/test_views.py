"""The 健康診断 pages as the nurse and teachers use them: the class grid saved as one form
(肥満度 and 視力 shown after saving, a bad cell keeps what was typed and saves nothing), a
pupil's 健康診断票 audited on every view, the 入力時期設定, and who sees what: the nurse the
whole school, a 学級担任 their class only (another class 404), the 事務職員 nothing, school
B's teacher 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.health.models import DentalExam, EntryPeriod, HealthExam
from manabi.health.tests.world import HealthWorld

pytestmark = pytest.mark.django_db


def grid_url(w: HealthWorld, klass: str = "a1") -> str:
    return reverse("health:class_grid", args=[getattr(w, f"class_{klass}").pk])


def pupil_url(w: HealthWorld, key: str) -> str:
    return reverse("health:pupil", args=[w.student(key).pk])


def test_the_nurse_enters_a_class_and_sees_obesity_and_vision(health_world: HealthWorld) -> None:
    w = health_world
    client = w.sc.client("nurse_a")
    page = client.get(grid_url(w))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-editable="true"' in html and "青木 A1-1" in html
    boy = w.student("A1-2").pk
    form = {
        f"c-{boy}-height": "120.0",
        f"c-{boy}-weight": "30.0",
        f"c-{boy}-vision_right_naked": "0.8",
    }
    response = client.post(grid_url(w), form, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1人分を保存しました" in html
    assert "30.8" in html and "中等度肥満" in html
    assert "data-category>B</span>" in html
    assert HealthExam.objects.get(student_id=boy).obesity_degree == Decimal("30.8")


def test_a_bad_cell_keeps_the_typed_values_and_saves_nothing(health_world: HealthWorld) -> None:
    w = health_world
    client = w.sc.client("nurse_a")
    girl, boy = w.student("A1-1").pk, w.student("A1-2").pk
    response = client.post(grid_url(w), {f"c-{girl}-height": "115.5", f"c-{boy}-weight": "3O.0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "何も変更していません" in html
    assert "伊藤 A1-2さんの体重" in html
    assert 'value="115.5"' in html and 'value="3O.0"' in html
    assert not HealthExam.objects.exists()


def test_a_homeroom_teacher_reads_their_class_only(health_world: HealthWorld) -> None:
    w = health_world
    client = w.sc.client("teacher_a")
    page = client.get(grid_url(w))
    assert page.status_code == 200
    assert 'data-editable="true"' not in page.content.decode()
    assert client.get(grid_url(w, "a2")).status_code == 404
    assert client.get(pupil_url(w, "A2-1")).status_code == 404
    assert (
        client.post(grid_url(w), {f"c-{w.student('A1-1').pk}-height": "115.5"}).status_code == 403
    )
    index = client.get(reverse("health:index")).content.decode()
    assert "1年1組" in index and "1年2組" not in index
    assert not HealthExam.objects.exists()


def test_who_sees_what(health_world: HealthWorld) -> None:
    """The personas the matrix does not have: the nurse (whole school) and the 事務職員 (none),
    and the 学年主任 and another 学級担任 (their class only)."""
    w = health_world
    urls = {
        "index": reverse("health:index"),
        "a1": grid_url(w),
        "a2": grid_url(w, "a2"),
        "b": grid_url(w, "b"),
        "pupil_a1": pupil_url(w, "A1-1"),
        "pupil_a2": pupil_url(w, "A2-1"),
        "periods": reverse("health:entry_periods"),
    }
    expected = {
        "nurse_a": {
            "index": 200,
            "a1": 200,
            "a2": 200,
            "b": 404,
            "pupil_a1": 200,
            "pupil_a2": 200,
            "periods": 200,
        },
        "clerk_a": {
            "index": 403,
            "a1": 404,
            "a2": 404,
            "b": 404,
            "pupil_a1": 404,
            "pupil_a2": 404,
            "periods": 403,
        },
        "homeroom_a2": {
            "index": 200,
            "a1": 404,
            "a2": 200,
            "b": 404,
            "pupil_a1": 404,
            "pupil_a2": 200,
            "periods": 403,
        },
        # 学年主任 with no class of their own: the list is open but empty.
        "grade_head_a": {
            "index": 200,
            "a1": 404,
            "a2": 404,
            "b": 404,
            "pupil_a1": 404,
            "pupil_a2": 404,
            "periods": 403,
        },
        "teacher_b": {
            "index": 200,
            "a1": 404,
            "a2": 404,
            "b": 200,
            "pupil_a1": 404,
            "pupil_a2": 404,
            "periods": 403,
        },
        "principal_a": {
            "index": 200,
            "a1": 200,
            "a2": 200,
            "b": 404,
            "pupil_a1": 200,
            "pupil_a2": 200,
            "periods": 200,
        },
    }
    wrong = []
    for persona, statuses in expected.items():
        client = w.sc.client(persona)
        for key, status in statuses.items():
            got = client.get(urls[key]).status_code
            if got != status:
                wrong.append(f"{persona} {key}: {got}, expected {status}")
    assert wrong == []


def test_the_pupil_page_is_audited_and_shows_every_part(health_world: HealthWorld) -> None:
    w = health_world
    client = w.sc.client("nurse_a")
    student = w.student("A1-1")
    response = client.get(pupil_url(w, "A1-1"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in (
        "栄養状態",
        "脊柱・胸郭・四肢",
        "学校医所見",
        "歯式 右上",
        "歯肉の状態",
        "保存期間: 在籍中",
    ):
        assert label in html
    event = AuditEvent.objects.get(action="health.exam.view")
    assert event.subject_id == str(student.pk)
    # The teacher of the class reads it too, and that view is audited as well.
    assert w.sc.client("teacher_a").get(pupil_url(w, "A1-1")).status_code == 200
    assert AuditEvent.objects.filter(action="health.exam.view").count() == 2


def test_the_nurse_saves_findings_and_the_dental_chart(health_world: HealthWorld) -> None:
    w = health_world
    client = w.sc.client("nurse_a")
    student = w.student("A1-1")
    response = client.post(
        reverse("health:pupil_exam_save", args=[student.pk]),
        {"heart": "異常なし", "doctor_findings": "特になし", "exam_date": ""},
    )
    assert response.status_code == 302
    assert HealthExam.objects.get(student=student).heart == "異常なし"
    dental = {
        "q-右上": "6C 5/",
        "q-左上": "",
        "q-左下": "6○",
        "q-右下": "",
        "scale-occlusion": "0",
        "scale-jaw_joint": "0",
        "scale-plaque": "1",
        "scale-gingiva": "G",
        "dentist_findings": "",
        "dental_follow_up": "受診勧告",
    }
    assert (
        client.post(reverse("health:pupil_dental_save", args=[student.pk]), dental).status_code
        == 302
    )
    row = DentalExam.objects.get(student=student)
    assert row.dmf == 2 and row.gingiva == 2
    page = client.get(pupil_url(w, "A1-1")).content.decode()
    assert 'value="6C 5/"' in page and "DMF歯数 2" in page
    bad = {**dental, "q-右上": "6Z"}
    refused = client.post(reverse("health:pupil_dental_save", args=[student.pk]), bad)
    assert refused.status_code == 400
    assert "右上6: 記号「Z」は使えません" in refused.content.decode()
    assert DentalExam.objects.get(student=student).chart == {
        "右上6": "C",
        "右上5": "/",
        "左下6": "○",
    }


def test_entry_periods_page_sets_and_closes_entry(health_world: HealthWorld) -> None:
    w = health_world
    client = w.sc.client("nurse_a")
    year = w.class_a1.fiscal_year
    response = client.post(
        reverse("health:entry_periods"),
        {"fiscal_year": year, "opens_on": "", "closes_on": "", "closed": "on"},
    )
    assert response.status_code == 302
    assert EntryPeriod.objects.get(school=w.class_a1.school, fiscal_year=year).closed
    page = client.get(grid_url(w)).content.decode()
    assert "締め切られています" in page and 'data-editable="true"' not in page
    refused = client.post(grid_url(w), {f"c-{w.student('A1-1').pk}-height": "115.5"})
    assert refused.status_code == 400 and not HealthExam.objects.exists()
    wrong_year = client.post(reverse("health:entry_periods"), {"fiscal_year": year + 1})
    assert wrong_year.status_code == 400
    assert (
        w.sc.client("teacher_a")
        .post(reverse("health:entry_periods"), {"fiscal_year": year})
        .status_code
        == 403
    )
