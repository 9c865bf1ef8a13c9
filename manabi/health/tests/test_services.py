"""The health services over the database: a class grid saved all or nothing, with 肥満度 and
視力 categories computed and stored; the findings and 歯・口腔 of one pupil; the 入力時期設定
refusing entry outside its days. A refused write changes nothing and writes no audit event."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from manabi.core.models import AuditEvent
from manabi.health import services
from manabi.health.models import DentalExam, EntryPeriod, HealthExam
from manabi.health.services import GridCell
from manabi.health.tests.world import HealthWorld

pytestmark = pytest.mark.django_db


def cells(w: HealthWorld, pupil: str, **values: str) -> list[GridCell]:
    return [GridCell(w.student(pupil).pk, key, text) for key, text in values.items()]


def exam(w: HealthWorld, pupil: str) -> HealthExam:
    return HealthExam.objects.get(student=w.student(pupil), school=w.class_a1.school)


def test_the_grid_stores_measures_and_computes_obesity_and_vision(
    health_world: HealthWorld,
) -> None:
    w = health_world
    result = services.grid_save(
        actor=w.acting("nurse_a"),
        school_class=w.class_a1,
        changes=[
            # A1-2: 男子, 6歳 (満年齢 on 4月1日). 標準体重 = 0.461×120.0 − 32.382 = 22.938kg;
            # 肥満度 = (30.0 − 22.938) ÷ 22.938 × 100 = 30.79 → 30.8% 中等度肥満.
            *cells(w, "A1-2", height="120.0", weight="３０．０kg"),
            *cells(w, "A1-2", vision_right_naked="1", vision_left_naked="0.6"),
            *cells(w, "A1-2", vision_right_corrected="", vision_left_corrected="b"),
            *cells(w, "A1-2", hearing_right="○", hearing_left="×"),
            # A1-1: 女子, 6歳. 標準体重 = 0.458×115.5 − 32.079 = 20.82kg; 肥満度 −3.5% 普通.
            *cells(w, "A1-1", height="115.5", weight="20.1", vision_right_naked="0.2"),
        ],
    )
    assert result.student_ids == {w.student("A1-1").pk, w.student("A1-2").pk}
    boy = exam(w, "A1-2")
    assert boy.fiscal_year == w.class_a1.fiscal_year
    assert (boy.height_cm, boy.weight_kg) == (Decimal("120.0"), Decimal("30.0"))
    assert boy.obesity_degree == Decimal("30.8")
    assert boy.obesity_category == "中等度肥満"
    assert "0.461×120.0 − 32.382 = 22.938kg" in boy.obesity_explanation
    assert (boy.vision_right_naked, boy.vision_right_naked_category) == ("1.0", "A")
    assert (boy.vision_left_naked, boy.vision_left_naked_category) == ("0.6", "C")
    assert (boy.vision_left_corrected, boy.vision_left_corrected_category) == ("B", "B")
    assert (boy.vision_right_corrected, boy.vision_right_corrected_category) == ("", "")
    assert (boy.hearing_right, boy.hearing_left) == ("所見なし", "所見あり")
    girl = exam(w, "A1-1")
    assert (girl.obesity_degree, girl.obesity_category) == (Decimal("-3.5"), "普通")
    assert girl.vision_right_naked_category == "D"
    event = AuditEvent.objects.get(action="health.grid.save")
    # The event names pupils and columns, never the values.
    assert "120" not in str(event.details) and "height" in str(event.details)


def test_one_bad_cell_saves_nothing_and_every_bad_cell_is_named(
    health_world: HealthWorld,
) -> None:
    w = health_world
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.grid_save(
            actor=w.acting("nurse_a"),
            school_class=w.class_a1,
            changes=[
                *cells(w, "A1-1", height="115.5", weight="20.1"),
                *cells(w, "A1-2", height="1200"),
                *cells(w, "A1-3", vision_left_naked="3.5", hearing_right="たぶん"),
                # A pupil of another class is refused, not saved.
                *cells(w, "A2-1", height="120.0"),
            ],
        )
    messages = caught.value.messages
    assert len(messages) == 4
    assert messages[0].startswith("伊藤 A1-2さんの身長: 1200.0cmは範囲外です。")
    assert messages[1].startswith("上田 A1-3さんの左裸眼: 3.5は視力の範囲外です。")
    assert messages[2].startswith("上田 A1-3さんの聴力 右: 「たぶん」は読めません。")
    assert messages[3] == "6件目: この学級の児童生徒ではありません。"
    assert not HealthExam.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_changed_height_recomputes_and_a_blank_clears(health_world: HealthWorld) -> None:
    w = health_world
    nurse = w.acting("nurse_a")
    services.grid_save(
        actor=nurse,
        school_class=w.class_a1,
        changes=cells(w, "A1-2", height="120.0", weight="30.0"),
    )
    services.grid_save(
        actor=nurse, school_class=w.class_a1, changes=cells(w, "A1-2", height="130.0")
    )
    # 0.461×130.0 − 32.382 = 27.548; (30.0 − 27.548) ÷ 27.548 × 100 = 8.90 → 8.9% 普通.
    assert (exam(w, "A1-2").obesity_degree, exam(w, "A1-2").obesity_category) == (
        Decimal("8.9"),
        "普通",
    )
    services.grid_save(actor=nurse, school_class=w.class_a1, changes=cells(w, "A1-2", weight=""))
    cleared = exam(w, "A1-2")
    assert cleared.weight_kg is None and cleared.obesity_degree is None
    assert cleared.obesity_category == ""
    # Sending the same values again changes nothing and writes no event.
    before = AuditEvent.objects.count()
    result = services.grid_save(
        actor=nurse, school_class=w.class_a1, changes=cells(w, "A1-2", height="130.0", weight="")
    )
    assert result.saved == 0 and AuditEvent.objects.count() == before


def test_empty_rows_make_no_records(health_world: HealthWorld) -> None:
    w = health_world
    services.grid_save(
        actor=w.acting("nurse_a"),
        school_class=w.class_a1,
        changes=cells(w, "A1-1", height="", weight="", vision_right_naked=""),
    )
    assert not HealthExam.objects.exists()


def test_entry_outside_the_period_is_refused(health_world: HealthWorld) -> None:
    w = health_world
    nurse = w.acting("nurse_a")
    today = timezone.localdate()
    school = w.class_a1.school
    year = w.class_a1.fiscal_year
    EntryPeriod.objects.create(school=school, fiscal_year=year, closed=True)
    with pytest.raises(ValidationError, match="締め切られています"):
        services.grid_save(
            actor=nurse, school_class=w.class_a1, changes=cells(w, "A1-1", height="115.5")
        )
    EntryPeriod.objects.filter(school=school).update(
        closed=False, opens_on=today + timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="からです"):
        services.exam_save(actor=nurse, enrolment=w.enrolment("A1-1"), values={"heart": "異常なし"})
    EntryPeriod.objects.filter(school=school).update(
        opens_on=today - timedelta(days=10), closes_on=today - timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="で終了しました"):
        services.dental_save(
            actor=nurse, enrolment=w.enrolment("A1-1"), quadrants={"右上": "6C"}, scales={}
        )
    EntryPeriod.objects.filter(school=school).update(closes_on=today)
    services.grid_save(
        actor=nurse, school_class=w.class_a1, changes=cells(w, "A1-1", height="115.5")
    )
    assert exam(w, "A1-1").height_cm == Decimal("115.5")


def test_entry_period_save_checks_its_dates(health_world: HealthWorld) -> None:
    w = health_world
    year = w.class_a1.fiscal_year
    school = w.class_a1.school
    principal = w.acting("principal_a")
    with pytest.raises(ValidationError) as caught:
        services.entry_period_save(
            actor=principal,
            school=school,
            fiscal_year=year,
            opens_on=date(year, 6, 1),
            closes_on=date(year + 1, 4, 5),
            closed=False,
        )
    assert caught.value.messages == [
        f"入力終了日は{year}年度 (4月1日〜翌年3月31日) の中にしてください。"
    ]
    with pytest.raises(ValidationError, match="入力開始日以降"):
        services.entry_period_save(
            actor=principal,
            school=school,
            fiscal_year=year,
            opens_on=date(year, 6, 1),
            closes_on=date(year, 5, 1),
            closed=False,
        )
    row = services.entry_period_save(
        actor=principal,
        school=school,
        fiscal_year=year,
        opens_on=date(year, 4, 10),
        closes_on=date(year, 6, 30),
        closed=False,
    )
    assert (row.opens_on, row.closes_on) == (date(year, 4, 10), date(year, 6, 30))
    assert AuditEvent.objects.filter(action="health.entry_period.save").count() == 1


def test_exam_save_keeps_findings_and_limits_their_length(health_world: HealthWorld) -> None:
    w = health_world
    nurse = w.acting("nurse_a")
    enrolment = w.enrolment("A1-1")
    with pytest.raises(ValidationError) as caught:
        services.exam_save(
            actor=nurse, enrolment=enrolment, values={"heart": "x" * 201, "bogus": "1"}
        )
    assert caught.value.messages == [
        "心臓の疾病及び異常は200文字以内で入力してください (いま201文字)。",
        "「bogus」は入力できる項目ではありません。",
    ]
    saved = services.exam_save(
        actor=nurse,
        enrolment=enrolment,
        values={"heart": " 心電図 異常なし ", "doctor_findings": "特になし"},
        exam_date=date(enrolment.fiscal_year, 5, 10),
    )
    assert (saved.heart, saved.doctor_findings) == ("心電図 異常なし", "特になし")
    event = AuditEvent.objects.get(action="health.exam.save")
    assert event.subject_id == str(enrolment.student_id)
    assert sorted(event.details["fields"]) == ["doctor_findings", "exam_date", "heart"]
    # Nothing to change: no record for a pupil who had none, no event.
    services.exam_save(actor=nurse, enrolment=w.enrolment("A1-2"), values={"heart": ""})
    assert not HealthExam.objects.filter(student=w.student("A1-2")).exists()


def test_dental_save_stores_the_chart_and_its_counts(health_world: HealthWorld) -> None:
    w = health_world
    nurse = w.acting("nurse_a")
    enrolment = w.enrolment("A1-1")
    with pytest.raises(ValidationError) as caught:
        services.dental_save(
            actor=nurse,
            enrolment=enrolment,
            quadrants={"右上": "6Q 9C"},
            scales={"plaque": "3", "gingiva": "GO"},
        )
    assert len(caught.value.messages) == 3
    assert all(m.startswith(("歯式", "歯垢の状態")) for m in caught.value.messages)
    assert not DentalExam.objects.exists()
    dental = services.dental_save(
        actor=nurse,
        enrolment=enrolment,
        quadrants={"右上": "6C 5/ E×", "左上": "6○", "左下": "6△ D/", "右下": "６CO"},
        scales={"occlusion": "0", "jaw_joint": "0", "plaque": "1", "gingiva": "GO"},
        dentist_findings="むし歯の治療を",
        follow_up="受診勧告",
    )
    assert dental.chart == {
        "右上6": "C",
        "右上5": "/",
        "右上E": "×",
        "左上6": "○",
        "左下6": "△",
        "左下D": "/",
        "右下6": "CO",
    }
    assert (dental.permanent_decayed, dental.permanent_filled, dental.permanent_missing) == (
        1,
        1,
        1,
    )
    assert dental.dmf == 3
    assert (dental.primary_present, dental.caution_primary, dental.observe) == (2, 1, 1)
    assert (dental.plaque, dental.gingiva, dental.occlusion) == (1, 1, 0)
    assert AuditEvent.objects.filter(action="health.dental.save").count() == 1


def test_a_pupil_without_a_recorded_sex_gets_no_obesity(health_world: HealthWorld) -> None:
    w = health_world
    student = w.student("A1-3")
    type(student).objects.filter(pk=student.pk).update(sex="")
    services.grid_save(
        actor=w.acting("nurse_a"),
        school_class=w.class_a1,
        changes=cells(w, "A1-3", height="118.0", weight="22.0"),
    )
    row = exam(w, "A1-3")
    assert row.obesity_degree is None
    assert row.obesity_explanation == "性別が記録されていないため肥満度を計算できません。"
