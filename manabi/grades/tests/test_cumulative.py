"""指導要録: assembly of 様式1・様式2, approval and lock, the verify command detecting direct
database edits, unlock, retention, the PDFs and who may see and act."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from manabi.core.models import AuditEvent
from manabi.core.pdf import PdfUnavailable
from manabi.grades import cumulative, selectors, services
from manabi.grades.models import (
    YEAR_TERM,
    CumulativeRecord,
    RatingResult,
    RecordState,
    RecordUnlock,
    Score,
)
from manabi.grades.tests.world import GradesWorld
from manabi.students.models import EnrolmentStatus
from tests.system import require_command

pytestmark = pytest.mark.django_db

FULL = {"単元テスト1": "90", "単元テスト2": "45", "ふりかえりシート": "9"}


def enter(world: GradesWorld, key: str, values: dict[str, str] | None = None) -> None:
    """Scores of 1学期 for a pupil of 3年1組 算数 (teacher_a enters them)."""
    student = world.student(key)
    services.scores_save(
        actor=world.acting("teacher_a"),
        lesson=world.lesson_a3,
        term=1,
        changes=[
            services.ScoreChange(world.items_a3[name].pk, student.pk, value)
            for name, value in (values or FULL).items()
        ],
    )


def write_overall(world: GradesWorld, key: str, text: str) -> None:
    services.narrative_save(
        actor=world.acting("homeroom_a2"),
        school_id=world.class_a3.school_id,
        fiscal_year=world.class_a3.fiscal_year,
        student=world.student(key),
        term=YEAR_TERM,
        kind="overall",
        text=text,
    )


def record_of(world: GradesWorld, key: str) -> CumulativeRecord:
    rows = cumulative.records_for_class(world.class_a3)
    return next(r.record for r in rows if r.student.pk == world.student(key).pk)


def locked_record(world: GradesWorld, key: str = "C3-1") -> CumulativeRecord:
    enter(world, key)
    write_overall(world, key, "進んで発言し、友達の考えをよく聞いていた。")
    principal = world.acting("principal_a")
    record = cumulative.record_approve(actor=principal, record=record_of(world, key))
    return cumulative.record_lock(actor=principal, record=record)


def pupil_url(world: GradesWorld, name: str, key: str = "C3-1") -> str:
    return reverse(
        f"cumulative:{name}",
        kwargs={"class_id": world.class_a3.pk, "student_id": world.student(key).pk},
    )


# --- pure rules ----------------------------------------------------------------------------


def test_content_hash_is_canonical() -> None:
    a = {"b": [1, "二"], "a": {"y": None, "x": True}}
    b = {"a": {"x": True, "y": None}, "b": [1, "二"]}
    assert cumulative.content_hash(a) == cumulative.content_hash(b)
    assert cumulative.content_hash(a) != cumulative.content_hash({**a, "c": 0})
    assert len(cumulative.content_hash(a)) == 64
    assert cumulative.canonical_json({"名": 1}) == '{"名":1}'


def test_retention_counts_from_leaving() -> None:
    still = cumulative.retention_of(None)
    assert still.gakuseki_until is None and still.guidance_until is None
    assert still.gakuseki_label == "在籍中 (卒業・転出の日から起算)"
    left = cumulative.retention_of(date(2026, 3, 19))
    assert left.gakuseki_until == date(2046, 3, 19)
    assert left.guidance_until == date(2031, 3, 19)
    assert left.guidance_label == "令和13年3月19日まで"
    leap = cumulative.retention_of(date(2028, 2, 29))
    assert leap.guidance_until == date(2033, 2, 28)


def test_subjects_and_foreign_language_by_grade() -> None:
    assert "生活" in cumulative.subjects_for("elementary", 2)
    assert "外国語" not in cumulative.subjects_for("elementary", 4)
    assert "外国語" in cumulative.subjects_for("elementary", 5)
    assert "数学" in cumulative.subjects_for("junior_high", 1)
    assert cumulative.foreign_language_activity_applies("elementary", 3)
    assert not cumulative.foreign_language_activity_applies("elementary", 5)
    assert not cumulative.foreign_language_activity_applies("junior_high", 3)
    labels = [label for _, label in selectors.special_activity_items("junior_high")]
    assert labels == ["学級活動", "生徒会活動", "学校行事"]


# --- assembly ------------------------------------------------------------------------------


def test_content_of_a_pupil(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "C3-1")
    write_overall(w, "C3-1", "進んで発言し、友達の考えをよく聞いていた。")
    services.checks_save(
        actor=w.acting("homeroom_a2"),
        school_id=w.class_a3.school_id,
        fiscal_year=w.class_a3.fiscal_year,
        student=w.student("C3-1"),
        term=YEAR_TERM,
        group="behaviour",
        items=["habits", "care"],
    )
    content = cumulative.record_content(record_of(w, "C3-1"))
    g = content["gakuseki"]
    assert g["pupil"]["name"] == "坂本 C3-1"
    assert g["pupil"]["kana"] == "さかもと じどう"
    assert g["pupil"]["sex_label"] == "女"
    assert g["pupil"]["guardian"]["name"] == "坂本 保護者"
    assert g["admission"] == {"kind": "入学", "date": f"{w.sc.year}-04-01", "grade": 3}
    assert g["leaving"] is None
    assert g["year"]["class"] == "3年1組" and g["year"]["number"] == 1
    assert g["year"]["principal"] == "校長 一郎"
    assert g["year"]["homerooms"] == ["東 一美"]
    assert content["school"]["name"] == "みなみ小学校"
    d = content["guidance"]
    math = next(s for s in d["subjects"] if s["subject"] == "算数")
    assert math["taken"] is True
    assert set(math["viewpoints"].values()) <= {"A", "B", "C"}
    assert all(math["viewpoints"].values())
    assert math["rating"] in (1, 2, 3)
    japanese = next(s for s in d["subjects"] if s["subject"] == "国語")
    assert japanese == {
        "subject": "国語",
        "taken": False,
        "viewpoints": {"knowledge": "", "thinking": "", "attitude": ""},
        "rating": None,
    }
    assert d["overall"].startswith("進んで発言し")
    assert d["foreign_language_activity"]["applies"] is True  # 小3
    behaviour = [(b["label"], b["mark"]) for b in d["behaviour"]]
    assert len(behaviour) == 10 and behaviour[0] == ("基本的な生活習慣", True)
    assert ("思いやり・協力", True) in behaviour and ("責任感", False) in behaviour
    assert content["attendance"] is not None
    assert set(content["attendance"]) >= {"lesson_days", "absent_days", "present_days"}
    assert cumulative.approval_gaps(content) == []


def test_records_for_class_makes_drafts_once(grades_world: GradesWorld) -> None:
    rows = cumulative.records_for_class(grades_world.class_a3)
    assert [r.enrolment.number for r in rows] == [1, 2, 3]
    assert {r.record.state for r in rows} == {RecordState.DRAFT}
    cumulative.records_for_class(grades_world.class_a3)
    assert CumulativeRecord.objects.filter(school_class=grades_world.class_a3).count() == 3


# --- workflow ------------------------------------------------------------------------------


def test_approve_closes_grades_and_lock_stores_hash(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "C3-1")
    principal = w.acting("principal_a")
    record = cumulative.record_approve(actor=principal, record=record_of(w, "C3-1"))
    assert record.state == RecordState.APPROVED
    with pytest.raises(services.GradesLocked):
        enter(w, "C3-1", {"単元テスト1": "10"})
    with pytest.raises(services.GradesLocked):
        write_overall(w, "C3-1", "変更")
    assert Score.objects.get(item=w.items_a3["単元テスト1"], student=w.student("C3-1")).value == 90
    record = cumulative.record_lock(actor=principal, record=record)
    record.refresh_from_db()
    assert record.state == RecordState.LOCKED
    assert record.content_sha256 == cumulative.content_hash(record.content)
    assert record.lock_event is not None
    assert record.lock_event.action == "grades.record.lock"
    assert record.lock_event.details["sha256"] == record.content_sha256
    assert cumulative.verify_records() == []
    call_command("grades_verify")


def test_approve_refuses_missing_grades(grades_world: GradesWorld) -> None:
    w = grades_world
    with pytest.raises(cumulative.RecordNotReady) as caught:
        cumulative.record_approve(actor=w.acting("principal_a"), record=record_of(w, "C3-2"))
    assert "算数の観点" in " ".join(caught.value.messages)
    assert record_of(w, "C3-2").state == RecordState.DRAFT


def test_class_wide_is_all_or_nothing(grades_world: GradesWorld) -> None:
    w = grades_world
    principal = w.acting("principal_a")
    enter(w, "C3-1")
    with pytest.raises(cumulative.RecordNotReady) as caught:
        cumulative.class_approve(actor=principal, school_class=w.class_a3)
    text = "\n".join(caught.value.messages)
    assert "2番 田中 C3-2" in text and "3番 中村 C3-3" in text and "C3-1" not in text
    assert not CumulativeRecord.objects.exclude(state=RecordState.DRAFT).exists()
    with pytest.raises(cumulative.RecordNotReady) as not_approved:
        cumulative.class_lock(actor=principal, school_class=w.class_a3)
    assert "校長の承認がまだ" in not_approved.value.messages[0]
    enter(w, "C3-2")
    enter(w, "C3-3")
    assert cumulative.class_approve(actor=principal, school_class=w.class_a3) == 3
    assert cumulative.class_lock(actor=principal, school_class=w.class_a3) == 3
    assert set(CumulativeRecord.objects.values_list("state", flat=True)) == {RecordState.LOCKED}
    assert AuditEvent.objects.filter(action="grades.record.lock").count() == 3
    assert cumulative.verify_records(w.class_a3.school_id) == []


def test_return_needs_reason(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "C3-1")
    principal = w.acting("principal_a")
    record = cumulative.record_approve(actor=principal, record=record_of(w, "C3-1"))
    with pytest.raises(ValidationError):
        cumulative.record_return(actor=principal, record=record, reason=" ")
    record = cumulative.record_return(actor=principal, record=record, reason="評定の再検討")
    assert record.state == RecordState.DRAFT
    enter(w, "C3-1", {"単元テスト1": "50"})  # open again


def test_direct_edit_of_the_snapshot_is_detected(grades_world: GradesWorld) -> None:
    w = grades_world
    record = locked_record(w)
    content = dict(record.content)
    content["guidance"] = {**content["guidance"], "overall": "書き換えた所見"}
    CumulativeRecord.objects.filter(pk=record.pk).update(content=content)
    problems = cumulative.verify_records()
    messages = [p.message for p in problems]
    assert any("坂本 C3-1さん" in m and "内容のハッシュが一致しません" in m for m in messages)
    assert all(str(w.sc.year) in m for m in messages)
    with pytest.raises(CommandError) as caught:
        call_command("grades_verify")
    assert caught.value.returncode == 1


def test_edited_hash_column_is_detected(grades_world: GradesWorld) -> None:
    w = grades_world
    record = locked_record(w)
    content = dict(record.content)
    content["gakuseki"] = {**content["gakuseki"], "pupil": {"name": "別人"}}
    CumulativeRecord.objects.filter(pk=record.pk).update(
        content=content, content_sha256=cumulative.content_hash(content)
    )
    messages = [p.message for p in cumulative.verify_records()]
    assert messages == [
        f"坂本 C3-1さん (みなみ小学校 {w.sc.year}年度): "
        "内容のハッシュが確定の記録 (監査ログ) と一致しません。"
    ]


def test_direct_edit_of_grades_is_detected(grades_world: GradesWorld) -> None:
    w = grades_world
    record = locked_record(w)
    student = w.student("C3-1")
    RatingResult.objects.filter(student=student, term=YEAR_TERM).update(entered=1, reason="x")
    messages = [p.message for p in cumulative.verify_records()]
    assert len(messages) == 1 and "各教科の学習の記録" in messages[0]
    RatingResult.objects.filter(student=student, term=YEAR_TERM).update(entered=None, reason="")
    assert cumulative.verify_records() == []
    Score.objects.filter(student=student, item=w.items_a3["単元テスト1"]).update(
        value=Decimal("12")
    )
    messages = [p.message for p in cumulative.verify_records()]
    assert len(messages) == 1 and "素点" in messages[0]
    with pytest.raises(CommandError) as caught:
        call_command("grades_verify", school=w.class_a3.school.school_code)
    assert caught.value.returncode == 1
    assert record.state == RecordState.LOCKED


def test_unlock_keeps_old_hash_and_opens_grades(grades_world: GradesWorld) -> None:
    w = grades_world
    record = locked_record(w)
    old = record.content_sha256
    principal = w.acting("principal_a")
    with pytest.raises(ValidationError):
        cumulative.record_unlock(actor=principal, record=record, reason="")
    record = cumulative.record_unlock(actor=principal, record=record, reason="評定の誤りの訂正")
    assert record.state == RecordState.DRAFT and record.content_sha256 == ""
    unlock = RecordUnlock.objects.get(record=record)
    assert unlock.content_sha256 == old and unlock.reason == "評定の誤りの訂正"
    event = AuditEvent.objects.get(action="grades.record.unlock")
    assert event.details["sha256"] == old
    enter(w, "C3-1", {"単元テスト1": "40"})
    assert cumulative.verify_records() == []


def test_retention_of_a_graduate(grades_world: GradesWorld) -> None:
    w = grades_world
    record = record_of(w, "C3-1")
    assert cumulative.retention_for(record).gakuseki_until is None
    enrolment = w.sc.enrolments["C3-1"]
    enrolment.status = EnrolmentStatus.TRANSFERRED_OUT
    enrolment.end_date = date(w.sc.year, 9, 30)
    enrolment.save()
    retention = cumulative.retention_for(record)
    assert retention.gakuseki_until == date(w.sc.year + 20, 9, 30)
    assert retention.guidance_until == date(w.sc.year + 5, 9, 30)
    leaving = cumulative.record_content(record)["gakuseki"]["leaving"]
    assert leaving == {"kind": "転学", "date": f"{w.sc.year}-09-30"}


# --- pages ---------------------------------------------------------------------------------


def test_pupil_page_is_audited(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "C3-1")
    response = w.sc.client("homeroom_a2").get(pupil_url(w, "pupil"))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("学籍に関する記録", "指導に関する記録", "坂本 C3-1", "在籍中", "行動の記録"):
        assert text in body
    assert "承認する" not in body  # not the principal
    event = AuditEvent.objects.get(action="grades.record.view")
    assert event.subject_id == str(w.student("C3-1").pk)


def test_other_class_teacher_and_outsiders_see_nothing(grades_world: GradesWorld) -> None:
    w = grades_world
    for who in ("teacher_a", "teacher_b", "board_officer"):
        for name in ("pupil", "pupil_pdf", "pupil_copy_pdf"):
            assert w.sc.client(who).get(pupil_url(w, name)).status_code == 404, (who, name)
    # A pupil of another class through 3年1組's URL: 404 even for the principal.
    stranger = reverse(
        "cumulative:pupil",
        kwargs={"class_id": w.class_a3.pk, "student_id": w.student("A1-1").pk},
    )
    assert w.sc.client("principal_a").get(stranger).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="grades.record.").exists()


def test_only_the_principal_locks(grades_world: GradesWorld) -> None:
    w = grades_world
    own = w.sc.classes["a1_1"]  # teacher_a's class
    url = reverse("cumulative:class_lock", kwargs={"class_id": own.pk})
    assert w.sc.client("teacher_a").post(url).status_code == 403
    assert w.sc.client("teacher_a").get(url).status_code == 403
    assert (
        w.sc.client("homeroom_a2")
        .post(
            reverse(
                "cumulative:pupil_lock",
                kwargs={"class_id": w.class_a3.pk, "student_id": w.student("C3-1").pk},
            )
        )
        .status_code
        == 403
    )
    assert not CumulativeRecord.objects.exclude(state=RecordState.DRAFT).exists()


def test_principal_locks_through_the_pages(grades_world: GradesWorld) -> None:
    w = grades_world
    for key in ("C3-1", "C3-2", "C3-3"):
        enter(w, key)
    client = w.sc.client("principal_a")
    approve = reverse("cumulative:class_approve", kwargs={"class_id": w.class_a3.pk})
    confirm = client.get(approve)
    assert confirm.status_code == 200 and "全員の指導要録を承認する" in confirm.content.decode()
    assert not CumulativeRecord.objects.filter(state=RecordState.APPROVED).exists()
    assert client.post(approve).status_code == 302
    lock = reverse("cumulative:class_lock", kwargs={"class_id": w.class_a3.pk})
    assert client.post(lock).status_code == 302
    assert set(CumulativeRecord.objects.values_list("state", flat=True)) == {RecordState.LOCKED}
    again = client.post(lock)
    assert again.status_code == 400 and "すべて確定済み" in again.content.decode()
    unlock = client.post(pupil_url(w, "pupil_unlock"), {"reason": ""})
    assert unlock.status_code == 400
    unlock = client.post(pupil_url(w, "pupil_unlock"), {"reason": "出席番号の訂正"})
    assert unlock.status_code == 302
    assert record_of(w, "C3-1").state == RecordState.DRAFT


def _pdf_text(body: bytes, tmp_path: Path) -> str:
    pdftotext = require_command("pdftotext", "poppler-utils")
    path = tmp_path / "record.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.replace(" ", "")


def _render_or_skip(record: CumulativeRecord, *, copy: bool) -> bytes:
    try:
        return cumulative.render_record_pdf(
            cumulative.shown_content(record), cumulative.print_meta(record), copy=copy
        )
    except PdfUnavailable:
        if os.environ.get("CI"):
            raise
        pytest.skip("WeasyPrint が使えないため省略")


def test_pdf_of_a_locked_record(grades_world: GradesWorld, tmp_path: Path) -> None:
    w = grades_world
    record = locked_record(w)
    _render_or_skip(record, copy=False)
    response = w.sc.client("homeroom_a2").get(pupil_url(w, "pupil_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    for expected in (
        "指導要録",
        "学籍に関する記録",
        "指導に関する記録",
        "坂本C3-1",
        "みなみ小学校",
        "各教科の学習の記録",
        "行動の記録",
        "出欠の記録",
        "校長一郎",
        record.content_sha256[:16],
        "令和",
    ):
        assert expected in text, expected
    assert "指導要録の写し" not in text
    assert AuditEvent.objects.filter(action="grades.record.print").count() == 1


def test_copy_pdf_for_a_transfer(grades_world: GradesWorld, tmp_path: Path) -> None:
    w = grades_world
    enter(w, "C3-1")
    _render_or_skip(record_of(w, "C3-1"), copy=True)
    response = w.sc.client("principal_a").get(pupil_url(w, "pupil_copy_pdf"))
    assert response.status_code == 200
    text = _pdf_text(response.content, tmp_path)
    assert "指導要録の写し" in text and "未確定" in text
    assert AuditEvent.objects.filter(action="grades.record.copy_print").count() == 1


def test_handover_section(grades_world: GradesWorld) -> None:
    from manabi.students import handover

    w = grades_world
    cumulative.register_handover()
    assert "cumulative_record" in handover.sections()
    record = locked_record(w)
    data = handover.sections()["cumulative_record"].build(
        w.student("C3-1"), w.sc.enrolments["C3-1"]
    )
    assert data["content"] == record.content
    assert data["meta"]["sha256"] == record.content_sha256
    draft = handover.sections()["cumulative_record"].build(
        w.student("C3-2"), w.sc.enrolments["C3-2"]
    )
    assert draft["meta"]["state"] == RecordState.DRAFT
    assert draft["content"]["gakuseki"]["pupil"]["name"] == "田中 C3-2"


def test_guidance_takes_the_lesson_class_that_holds_the_years_result() -> None:
    """Two 授業クラス in one subject: the 指導要録 reads the one with the year's 評定, not
    whichever came first."""
    from manabi.grades import selectors

    def subject(lesson_id: int, rating: int | None, marks: dict[str, str]) -> selectors.SubjectYear:
        return selectors.SubjectYear(
            subject="算数",
            lesson_class_id=lesson_id,
            viewpoints={0: marks},
            ratings={0: rating},
            explanations={},
        )

    early = subject(1, None, {"knowledge": "B"})
    later = subject(2, 3, {"knowledge": "A", "thinking": "A", "attitude": "A"})
    for order in ([early, later], [later, early]):
        year = selectors.PupilYear(student_id=1, subjects=order, narratives={}, checks={})
        found = cumulative.guidance_of(year, level="elementary", grade=3, scale="3", taken=set())
        row = next(s for s in found["subjects"] if s["subject"] == "算数")
        assert row["rating"] == 3
        assert row["viewpoints"]["knowledge"] == "A"
