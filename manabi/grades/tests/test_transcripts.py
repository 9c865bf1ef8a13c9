"""調査書: the profile as data (and its errors), the assembly from the 学年末 評定 of each 学年,
the 合計 and 換算, the pages, the A4 PDF and who may see and print them."""

from __future__ import annotations

import copy
import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from manabi.access.functions import Action
from manabi.classes.models import LessonClass, SchoolClass
from manabi.core import wareki
from manabi.core.models import AuditEvent
from manabi.core.pdf import PdfUnavailable
from manabi.grades import permissions, services
from manabi.grades import transcript as tr
from manabi.grades.models import YEAR_TERM, RatingResult
from manabi.grades.tests.world import GradesWorld
from manabi.students.models import Enrolment, LessonMembership, Sex, Student
from tests.system import require_command

SUBJECTS = ("国語", "社会", "数学", "理科", "音楽", "美術", "保健体育", "技術・家庭", "外国語")


def shipped_data() -> dict[str, Any]:
    import json

    path = tr.PROFILES_DIR / "mirai_2026.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# --- the profile -------------------------------------------------------------------------


def test_the_shipped_profile_is_valid_and_fictional() -> None:
    profiles = tr.shipped_profiles()
    assert list(profiles) == ["mirai_2026"]
    profile = profiles["mirai_2026"]
    assert profile.name.startswith("みらい県")
    assert "架空" in profile.name
    assert profile.grades == (1, 2, 3)
    assert profile.subjects == SUBJECTS
    assert not profile.show_viewpoints
    sum_3, converted = profile.totals
    assert dict(sum_3.weights) == {3: 1} and profile.total_max(sum_3) == 45
    assert dict(converted.weights) == {1: 1, 2: 1, 3: 2} and profile.total_max(converted) == 180
    assert profile.overall.max_chars == 300
    assert profile.notes.default == "特になし"
    assert profile.label("notes") == "特記事項"


def _broken(change: Any) -> list[str]:
    data = copy.deepcopy(shipped_data())
    change(data)
    with pytest.raises(tr.ProfileError) as caught:
        tr.parse_profile(data)
    return caught.value.errors


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("labels"), "項目「labels」がありません。"),
        (lambda d: d.update(colour="red"), "不明な項目「colour」"),
        (lambda d: d.update(format="x/9"), "format は「manabi-transcript-profile/1」"),
        (lambda d: d.update(key="Mirai"), "key は半角英小文字"),
        (lambda d: d.update(name=""), "name (様式の名前) は空でない文字列"),
        (lambda d: d.update(version=0), "version (版) は 1〜9999 の整数"),
        (lambda d: d.update(grades=[1, 4]), "grades (学年の列) は 1〜3 の学年の並び"),
        (lambda d: d.update(grades=[3, 1]), "grades (学年の列) は重複のない昇順"),
        (lambda d: d["subjects"].update(names=[]), "subjects.names (教科) は教科名の並び"),
        (lambda d: d["subjects"].update(names=["国語", "国語"]), "同じ教科が重複"),
        (lambda d: d["subjects"].update(show_viewpoints="yes"), "subjects.show_viewpoints は"),
        (lambda d: d["totals"][0].update(weights={"4": 1}), "totals[0].weights の学年「4」"),
        (lambda d: d["totals"][1].update(weights={"3": 0}), "totals[1].weights の第3学年の重み"),
        (lambda d: d["totals"][1].update(key="sum_3"), "totals[1].key 「sum_3」が重複"),
        (lambda d: d["totals"][0].update(label=""), "totals[0].label は空でない"),
        (lambda d: d["attendance"].update(show=1), "attendance.show は true か false"),
        (lambda d: d["overall"].update(max_chars=0), "overall.max_chars (文字数の上限) は"),
        (lambda d: d["notes"].update(default="あ" * 201), "notes.default は200文字以内"),
        (lambda d: d["labels"].pop("notes"), "labels.notes (特記事項の欄の名前) がありません。"),
        (lambda d: d["labels"].update(colour="赤"), "labels に不明な項目「colour」"),
        (lambda d: d["behaviour"].update(extra=True), "behaviour に不明な項目「extra」"),
    ],
)
def test_bad_profiles_name_the_field(change: Any, expected: str) -> None:
    errors = _broken(change)
    assert any(expected in e for e in errors), errors


def test_a_profile_must_be_an_object_and_all_problems_come_at_once() -> None:
    with pytest.raises(tr.ProfileError, match="JSON のオブジェクト"):
        tr.parse_profile(["調査書"])

    def two(d: dict[str, Any]) -> None:
        d["version"] = "1"
        d["grades"] = []

    errors = _broken(two)
    assert len(errors) == 2, errors


def test_sums_are_pure_and_say_when_incomplete() -> None:
    profile = tr.shipped_profiles()["mirai_2026"]
    sum_3, converted = profile.totals
    full = dict.fromkeys(SUBJECTS, 4)
    assert tr.weighted_total(profile, sum_3, {3: full})["value"] == 36
    result = tr.weighted_total(profile, converted, {1: full, 2: full, 3: full})
    assert result == {
        "key": "converted",
        "label": converted.label,
        "value": 36 + 36 + 72,
        "max": 180,
        "complete": True,
        "missing": [],
    }
    partial = tr.weighted_total(profile, sum_3, {3: {"数学": 5}})
    assert partial["value"] == 5 and not partial["complete"]
    assert "第3学年 国語" in partial["missing"] and len(partial["missing"]) == 8
    assert tr.weighted_total(profile, sum_3, {})["value"] is None
    assert tr.grade_sum(profile, {"数学": 3, "国語": 2}) == {
        "value": 5,
        "max": 45,
        "complete": False,
    }


# --- assembly ------------------------------------------------------------------------------


def enter_b(world: GradesWorld, key: str = "K1-1") -> int:
    """Scores of 1学期 for a pupil of school B's 1年 数学 (teacher_b enters them); returns the
    year's 評定 that was computed."""
    student = world.student(key)
    services.scores_save(
        actor=world.acting("teacher_b"),
        lesson=world.lesson_b,
        term=1,
        changes=[
            services.ScoreChange(world.items_b[name].pk, student.pk, value)
            for name, value in (
                ("単元テスト1", "90"),
                ("単元テスト2", "45"),
                ("ふりかえりシート", "9"),
            )
        ],
    )
    rating = RatingResult.objects.get(lesson_class=world.lesson_b, student=student, term=YEAR_TERM)
    assert rating.value is not None
    return int(rating.value)


@pytest.mark.django_db
def test_a_first_year_pupil_has_the_year_rating_and_blank_later_years(
    grades_world: GradesWorld,
) -> None:
    w = grades_world
    rating = enter_b(w)
    services.narrative_save(
        actor=w.acting("teacher_b"),
        school_id=w.lesson_b.school_id,
        fiscal_year=w.lesson_b.fiscal_year,
        student=w.student("K1-1"),
        term=YEAR_TERM,
        kind="overall",
        text="学級委員として学級をまとめた。",
    )
    profile = tr.shipped_profiles()["mirai_2026"]
    school_b = w.sc.cast.orgs["school_b"]
    content = tr.transcript_content(w.student("K1-1"), school_b, w.sc.year, profile)
    assert [c["grade"] for c in content["columns"]] == [1, 2, 3]
    first, second, _ = content["columns"]
    assert first["fiscal_year"] == w.sc.year and first["class"] == "1年1組"
    assert first["note"] == ""
    assert second["note"] == "第2学年は未履修です。" and second["fiscal_year"] is None
    math = next(s for s in content["subjects"] if s["subject"] == "数学")
    assert [c["rating"] for c in math["cells"]] == [rating, None, None]
    japanese = next(s for s in content["subjects"] if s["subject"] == "国語")
    assert [c["rating"] for c in japanese["cells"]] == [None, None, None]
    assert first["sum"] == {"value": rating, "max": 45, "complete": False}
    sum_3, converted = content["totals"]
    assert sum_3["value"] is None and not sum_3["complete"] and sum_3["max"] == 45
    assert converted["value"] == rating and converted["max"] == 180
    assert not converted["complete"] and "第1学年 国語" in converted["missing"]
    assert content["overall"] == {
        "text": "学級委員として学級をまとめた。",
        "length": 15,
        "max": 300,
        "over": False,
    }
    assert content["notes"]["text"] == "特になし"
    this_year = content["attendance"][0]
    assert this_year is not None and set(this_year) == {"lesson_days", "absent_days", "reason"}
    assert this_year["absent_days"] == 0 and this_year["reason"] == ""
    assert content["attendance"][1] is None
    assert "第2学年は未履修です。" in content["gaps"]
    assert len(content["behaviour"][0]) == 10


def _third_year_pupil(world: GradesWorld) -> tuple[Student, SchoolClass, dict[int, int]]:
    """A 3年 pupil of school B who was there in 1年 and 2年 too, with 学年末 評定 in every
    subject of 1年 and 3年 (2年 has 数学 only)."""
    school_b = world.sc.cast.orgs["school_b"]
    year = world.sc.year
    student = Student.objects.create(
        code="T000001",
        family_name="高橋",
        given_name="三年",
        family_kana="たかはし",
        given_kana="さんねん",
        sex=Sex.FEMALE,
        birth_date=date(year - 14, 5, 1),
    )
    classes: dict[int, SchoolClass] = {}
    for grade in (1, 2, 3):
        fy = year - (3 - grade)
        classes[grade] = SchoolClass.objects.create(
            school=school_b, fiscal_year=fy, grade=grade, name="2"
        )
        Enrolment.objects.create(
            student=student,
            school=school_b,
            fiscal_year=fy,
            grade=grade,
            school_class=classes[grade],
            number=1,
            start_date=date(fy, 4, 1),
        )
    given = {1: 3, 2: 4, 3: 5}
    for grade, subjects in ((1, SUBJECTS), (2, ("数学",)), (3, SUBJECTS)):
        fy = year - (3 - grade)
        for subject in subjects:
            lesson = LessonClass.objects.create(
                school=school_b, fiscal_year=fy, subject=subject, name=f"{grade}年 {subject}"
            )
            LessonMembership.objects.create(lesson_class=lesson, student=student)
            RatingResult.objects.create(
                lesson_class=lesson, student=student, term=YEAR_TERM, computed=given[grade]
            )
    return student, classes[3], given


@pytest.mark.django_db
def test_a_third_year_pupil_gets_every_year_and_the_totals(grades_world: GradesWorld) -> None:
    w = grades_world
    student, _, _ = _third_year_pupil(w)
    profile = tr.shipped_profiles()["mirai_2026"]
    content = tr.transcript_content(student, w.sc.cast.orgs["school_b"], w.sc.year, profile)
    years = [c["fiscal_year"] for c in content["columns"]]
    assert years == [w.sc.year - 2, w.sc.year - 1, w.sc.year]
    assert content["columns"][0]["fiscal_year_label"] == wareki.format_fiscal_year(w.sc.year - 2)
    science = next(s for s in content["subjects"] if s["subject"] == "理科")
    assert [c["rating"] for c in science["cells"]] == [3, None, 5]
    math = next(s for s in content["subjects"] if s["subject"] == "数学")
    assert [c["rating"] for c in math["cells"]] == [3, 4, 5]
    sums = [c["sum"] for c in content["columns"]]
    assert sums[0] == {"value": 27, "max": 45, "complete": True}
    assert sums[1] == {"value": 4, "max": 45, "complete": False}
    assert content["columns"][1]["note"] == ""
    sum_3, converted = content["totals"]
    assert sum_3["value"] == 45 and sum_3["complete"]
    assert converted["value"] == 27 + 4 + 2 * 45 and not converted["complete"]
    assert len(converted["missing"]) == 8
    assert content["year"] == {"grade": 3, "class": "3年2組"}


@pytest.mark.django_db
def test_a_missing_year_is_blank_with_a_note(grades_world: GradesWorld) -> None:
    w = grades_world
    student, _, _ = _third_year_pupil(w)
    Enrolment.objects.filter(student=student, grade=1).delete()
    RatingResult.objects.filter(student=student, lesson_class__fiscal_year=w.sc.year - 2).delete()
    profile = tr.shipped_profiles()["mirai_2026"]
    content = tr.transcript_content(student, w.sc.cast.orgs["school_b"], w.sc.year, profile)
    first = content["columns"][0]
    assert first["note"] == "第1学年の当校の在籍記録がありません (転入前など)。"
    assert first["class"] == "" and first["sum"]["value"] is None
    assert content["attendance"][0] is None
    assert first["note"] in content["gaps"]


@pytest.mark.django_db
def test_an_overlong_overall_is_flagged(grades_world: GradesWorld) -> None:
    w = grades_world
    services.narrative_save(
        actor=w.acting("teacher_b"),
        school_id=w.lesson_b.school_id,
        fiscal_year=w.sc.year,
        student=w.student("K1-1"),
        term=YEAR_TERM,
        kind="overall",
        text="あ" * 301,
    )
    profile = tr.shipped_profiles()["mirai_2026"]
    content = tr.transcript_content(
        w.student("K1-1"), w.sc.cast.orgs["school_b"], w.sc.year, profile
    )
    assert content["overall"]["over"] and content["overall"]["length"] == 301


# --- pages, access and print -----------------------------------------------------------------


def class_url(world: GradesWorld, key: str = "b1_1") -> str:
    return reverse("transcripts:class_pupils", kwargs={"class_id": world.sc.classes[key].pk})


def pupil_url(
    world: GradesWorld, name: str = "pupil", *, klass: str = "b1_1", pupil: str = "K1-1"
) -> str:
    return reverse(
        f"transcripts:{name}",
        kwargs={"class_id": world.sc.classes[klass].pk, "student_id": world.student(pupil).pk},
    )


@pytest.mark.django_db
def test_the_homeroom_teacher_sees_the_class_and_the_pupil(grades_world: GradesWorld) -> None:
    w = grades_world
    rating = enter_b(w)
    client = w.sc.client("teacher_b")
    listing = client.get(class_url(w))
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "佐藤 K1-1" in body and "鈴木 K1-2" in body
    assert pupil_url(w) in body and pupil_url(w, "pupil_pdf") in body
    assert "第1学年です" in body  # not the 3年: a note
    response = client.get(pupil_url(w))
    assert response.status_code == 200
    page = response.content.decode()
    assert "みらい県" in page and "各教科の学習の記録" in page and "特になし" in page
    assert f'<td class="mark">{rating}' in page
    event = AuditEvent.objects.filter(action="grades.transcript.view").get()
    assert event.subject_id == str(w.student("K1-1").pk)
    assert event.details["profile"] == "mirai_2026"
    assert AuditEvent.objects.filter(action="grades.transcript.class_view").count() == 1
    index = client.get(reverse("transcripts:index"))
    assert index.status_code == 200 and class_url(w) in index.content.decode()


@pytest.mark.django_db
def test_other_schools_and_other_classes_are_not_found(grades_world: GradesWorld) -> None:
    w = grades_world
    before = AuditEvent.objects.count()
    teacher_a = w.sc.client("teacher_a")
    assert teacher_a.get(class_url(w)).status_code == 404
    assert teacher_a.get(pupil_url(w)).status_code == 404
    assert teacher_a.get(pupil_url(w, "pupil_pdf")).status_code == 404
    assert teacher_a.get(class_url(w, "a1_2")).status_code == 404  # homeroom_a2's class
    # A pupil of school B through teacher_a's own class: not in that class that year.
    assert teacher_a.get(pupil_url(w, klass="a1_1")).status_code == 404
    assert teacher_a.get(pupil_url(w) + "?profile=nowhere").status_code == 404
    assert w.sc.client("teacher_b").get(pupil_url(w) + "?profile=nowhere").status_code == 404
    assert AuditEvent.objects.count() == before
    assert teacher_a.get(class_url(w, "a1_1")).status_code == 200


@pytest.mark.django_db
def test_seen_but_not_printable_is_forbidden(
    grades_world: GradesWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = grades_world
    real = permissions.grades_reach

    def no_print(acting: Any, function: str, action: Action, **kw: Any) -> Any:
        if function == permissions.TRANSCRIPT_OUTPUT:
            return None
        return real(acting, function, action, **kw)

    monkeypatch.setattr(permissions, "grades_reach", no_print)
    acting = w.acting("teacher_b")
    class_id = w.sc.classes["b1_1"].pk
    school_class, _ = permissions.access_transcript_class(acting, class_id)
    assert school_class.pk == class_id
    with pytest.raises(PermissionDenied):
        permissions.access_transcript_class(acting, class_id, action=Action.PRINT)
    with pytest.raises(Http404):
        permissions.access_transcript_class(w.acting("teacher_a"), class_id)
    assert not permissions.may_print_transcript(acting, school_class)
    assert w.sc.client("teacher_b").get(pupil_url(w, "pupil_pdf")).status_code == 403


def _pdf_text(body: bytes, tmp_path: Path) -> str:
    pdftotext = require_command("pdftotext", "poppler-utils")
    path = tmp_path / "transcript.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.replace(" ", "")


@pytest.mark.django_db
def test_the_pdf(grades_world: GradesWorld, tmp_path: Path) -> None:
    w = grades_world
    try:
        tr.render_transcript_pdf({}, tr.shipped_profiles()["mirai_2026"])
    except PdfUnavailable:
        if os.environ.get("CI"):
            raise
        pytest.skip("WeasyPrint が使えないため省略")
    student, third, _ = _third_year_pupil(w)
    url = reverse("transcripts:pupil_pdf", kwargs={"class_id": third.pk, "student_id": student.pk})
    response = w.sc.client("teacher_b").get(url)
    # teacher_b is not homeroom of 3年2組: the class is out of reach.
    assert response.status_code == 404
    response = w.sc.client("teacher_b").get(pupil_url(w, "pupil_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "inline" in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action="grades.transcript.print").get()
    assert event.subject_id == str(w.student("K1-1").pk)
    text = _pdf_text(response.content, tmp_path)
    for expected in (
        "調査書",
        "みらい県",
        "佐藤K1-1",
        "きた中学校",
        wareki.format_fiscal_year(w.sc.year),
        "各教科の学習の記録",
        "保健体育",
        "第3学年の評定合計(9教科)",
        "/45",
        "/180",
        "出欠の記録",
        "行動の記録",
        "総合所見",
        "特記事項",
        "特になし",
        "第2学年は未履修です。",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_the_pdf_of_a_third_year_pupil_carries_the_totals(
    grades_world: GradesWorld, tmp_path: Path
) -> None:
    w = grades_world
    student, _, _ = _third_year_pupil(w)
    profile = tr.shipped_profiles()["mirai_2026"]
    content = tr.transcript_content(student, w.sc.cast.orgs["school_b"], w.sc.year, profile)
    try:
        body = tr.render_transcript_pdf(content, profile, principal="北 校長")
    except PdfUnavailable:
        if os.environ.get("CI"):
            raise
        pytest.skip("WeasyPrint が使えないため省略")
    text = _pdf_text(body, tmp_path)
    assert "45/45" in text
    assert "121/180" in text
    assert "北校長" in text
