"""The grades services over the database: scores in, 観点 and 評定 out with their
explanations; overrides with a reason and an audit event; closed terms and approved records
refuse every change and change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from manabi.classes.models import SchoolClass
from manabi.core.models import AuditEvent
from manabi.grades import selectors, services
from manabi.grades.models import (
    CumulativeRecord,
    NarrativeKind,
    RatingResult,
    RecordState,
    Score,
    ViewpointResult,
)
from manabi.grades.services import GradesLocked, ScoreChange
from manabi.grades.tests.world import GradesWorld
from manabi.students.models import Enrolment

pytestmark = pytest.mark.django_db


def enter(w: GradesWorld, pupil: str, k: str, t: str, a: str, *, school_b: bool = False) -> None:
    items = w.items_b if school_b else w.items_a3
    lesson = w.lesson_b if school_b else w.lesson_a3
    who = "teacher_b" if school_b else "teacher_a"
    sid = w.student(pupil).pk
    services.scores_save(
        actor=w.acting(who),
        lesson=lesson,
        term=1,
        changes=[
            ScoreChange(items["単元テスト1"].pk, sid, k),
            ScoreChange(items["単元テスト2"].pk, sid, t),
            ScoreChange(items["ふりかえりシート"].pk, sid, a),
        ],
    )


def marks(w: GradesWorld, pupil: str, term: int = 1, *, school_b: bool = False) -> str:
    lesson = w.lesson_b if school_b else w.lesson_a3
    rows = {
        v.viewpoint: v.mark
        for v in ViewpointResult.objects.filter(
            lesson_class=lesson, student=w.student(pupil), term=term
        )
    }
    return "".join(rows.get(vp) or "-" for vp in ("knowledge", "thinking", "attitude"))


def rating(w: GradesWorld, pupil: str, term: int = 1, *, school_b: bool = False) -> RatingResult:
    lesson = w.lesson_b if school_b else w.lesson_a3
    return RatingResult.objects.get(lesson_class=lesson, student=w.student(pupil), term=term)


def test_scores_give_viewpoints_and_a_rating_with_explanations(
    grades_world: GradesWorld,
) -> None:
    w = grades_world
    enter(w, "K1-1", "92", "30", "9", school_b=True)  # 92% A, 60% B, 90% A
    assert marks(w, "K1-1", school_b=True) == "ABA"
    r = rating(w, "K1-1", school_b=True)
    assert r.value == 4  # 3+2+3 = 8 → 4 (5段階)
    assert "観点 A・B・A → 合計 8 → 評定 4" in r.explanation
    assert "manabi 標準" in r.explanation or "規則" in r.explanation
    k = ViewpointResult.objects.get(
        lesson_class=w.lesson_b, student=w.student("K1-1"), term=1, viewpoint="knowledge"
    )
    assert "92%" in k.explanation and k.computed == "A"
    # The year (学年末) is computed from every term's items at once.
    assert rating(w, "K1-1", 0, school_b=True).value == 4


def test_elementary_third_grade_uses_three_levels(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "C3-1", "95", "45", "10")
    assert marks(w, "C3-1") == "AAA"
    assert rating(w, "C3-1").value == 3


def test_first_grade_has_viewpoints_but_no_rating(grades_world: GradesWorld) -> None:
    w = grades_world
    sc = w.sc
    music = sc.lessons["music"]
    item = services.item_save(
        actor=w.acting("subject_a"),
        lesson=music,
        term=1,
        data=services.ItemInput(name="うたのテスト", viewpoint="knowledge", max_score=Decimal(10)),
    )
    services.scores_save(
        actor=w.acting("subject_a"),
        lesson=music,
        term=1,
        changes=[ScoreChange(item.pk, sc.students["A1-1"].pk, "9")],
    )
    r = RatingResult.objects.get(lesson_class=music, student=sc.students["A1-1"], term=1)
    assert r.value is None
    assert "評定を行いません" in r.explanation


def test_a_bad_cell_saves_nothing_and_names_the_pupil_and_item(
    grades_world: GradesWorld,
) -> None:
    w = grades_world
    sid = w.student("C3-1").pk
    with pytest.raises(ValidationError) as error:
        services.scores_save(
            actor=w.acting("teacher_a"),
            lesson=w.lesson_a3,
            term=1,
            changes=[
                ScoreChange(w.items_a3["単元テスト1"].pk, sid, "80"),
                ScoreChange(w.items_a3["単元テスト2"].pk, sid, "51"),
                ScoreChange(w.items_a3["ふりかえりシート"].pk, sid, "abc"),
            ],
        )
    text = " ".join(error.value.messages)
    assert "坂本 C3-1さんの「単元テスト2」: 満点 (50点) を超えています。" in text
    assert "「abc」は数ではありません" in text
    assert not Score.objects.exists()
    assert not AuditEvent.objects.filter(action="grades.scores.save").exists()


def test_excused_and_cleared_cells(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "C3-2", "８０", "欠", "")
    score = Score.objects.get(item=w.items_a3["単元テスト2"], student=w.student("C3-2"))
    assert score.excused and score.value is None
    assert Score.objects.filter(student=w.student("C3-2")).count() == 2
    assert marks(w, "C3-2") == "A--"
    enter(w, "C3-2", "", "", "")
    assert not Score.objects.filter(student=w.student("C3-2")).exists()


def test_a_pupil_outside_the_lesson_class_is_refused(grades_world: GradesWorld) -> None:
    w = grades_world
    with pytest.raises(ValidationError, match="児童生徒ではありません"):
        services.scores_save(
            actor=w.acting("teacher_a"),
            lesson=w.lesson_a3,
            term=1,
            changes=[ScoreChange(w.items_a3["単元テスト1"].pk, w.student("A1-1").pk, "10")],
        )


def test_override_needs_a_reason_and_is_audited(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "K1-2", "60", "25", "5", school_b=True)  # B B B → 6 → 3
    assert rating(w, "K1-2", school_b=True).value == 3
    with pytest.raises(ValidationError, match="理由"):
        services.rating_set(
            actor=w.acting("teacher_b"),
            lesson=w.lesson_b,
            student_id=w.student("K1-2").pk,
            term=1,
            value=4,
            reason=" ",
        )
    services.rating_set(
        actor=w.acting("teacher_b"),
        lesson=w.lesson_b,
        student_id=w.student("K1-2").pk,
        term=1,
        value=4,
        reason="実技の伸びを加味",
    )
    r = rating(w, "K1-2", school_b=True)
    assert (r.computed, r.entered, r.value) == (3, 4, 4)
    event = AuditEvent.objects.get(action="grades.rating.override")
    assert event.details["before"] == 3 and event.details["after"] == 4
    assert event.details["reason"] == "実技の伸びを加味"
    # A later score change recomputes but keeps the teacher's value.
    enter(w, "K1-2", "95", "48", "10", school_b=True)
    r = rating(w, "K1-2", school_b=True)
    assert (r.computed, r.value) == (5, 4)
    with pytest.raises(ValidationError, match="1から5まで"):
        services.rating_set(
            actor=w.acting("teacher_b"),
            lesson=w.lesson_b,
            student_id=w.student("K1-2").pk,
            term=1,
            value=6,
            reason="x",
        )


def test_an_entered_viewpoint_feeds_the_rating(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "K1-1", "60", "25", "5", school_b=True)  # B B B → 3
    services.viewpoint_set(
        actor=w.acting("teacher_b"),
        lesson=w.lesson_b,
        student_id=w.student("K1-1").pk,
        term=1,
        viewpoint="attitude",
        mark="A",
        reason="授業中の発言と振り返りの記述から判断",
    )
    assert marks(w, "K1-1", school_b=True) == "BBA"
    # 2 + 2 + 3 = 7, which the shipped point-sum rule maps to 4 on the 5段階.
    assert rating(w, "K1-1", school_b=True).value == 4


def test_closed_term_refuses_entry(grades_world: GradesWorld) -> None:
    w = grades_world
    term = w.setup_a.terms.get(number=1)
    term.entry_closes_on = timezone.localdate() - timedelta(days=1)
    term.save()
    with pytest.raises(GradesLocked, match="入力期間"):
        enter(w, "C3-1", "80", "40", "8")
    assert not Score.objects.exists()
    term.entry_closes_on = None
    term.entry_closed = True
    term.save()
    with pytest.raises(GradesLocked, match="締め切られて"):
        enter(w, "C3-1", "80", "40", "8")


def test_an_approved_record_closes_the_pupils_grades(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "C3-1", "80", "40", "8")
    CumulativeRecord.objects.create(
        student=w.student("C3-1"),
        school=w.lesson_a3.school,
        fiscal_year=w.sc.year,
        state=RecordState.APPROVED,
    )
    with pytest.raises(GradesLocked, match="坂本 C3-1"):
        enter(w, "C3-1", "10", "10", "1")
    assert Score.objects.get(item=w.items_a3["単元テスト1"], student=w.student("C3-1")).value == 80
    with pytest.raises(GradesLocked):
        services.narrative_save(
            actor=w.acting("homeroom_a2"),
            school_id=w.lesson_a3.school_id,
            fiscal_year=w.sc.year,
            student=w.student("C3-1"),
            term=1,
            kind=NarrativeKind.REMARKS,
            text="よく頑張りました。",
        )
    # Another pupil of the class is still open.
    enter(w, "C3-2", "10", "10", "1")


def test_narratives_and_checks(grades_world: GradesWorld) -> None:
    w = grades_world
    kw = {
        "actor": w.acting("homeroom_a2"),
        "school_id": w.lesson_a3.school_id,
        "fiscal_year": w.sc.year,
        "student": w.student("C3-3"),
    }
    services.narrative_save(**kw, term=1, kind=NarrativeKind.REMARKS, text="  係活動に熱心。 ")
    with pytest.raises(ValidationError, match="所見は10文字以内"):
        services.narrative_save(
            **kw, term=1, kind=NarrativeKind.REMARKS, text="あ" * 11, max_length=10
        )
    services.checks_save(**kw, term=0, group="behaviour", items=["habits", "care"])
    with pytest.raises(ValidationError, match="項目が正しくありません"):
        services.checks_save(**kw, term=0, group="behaviour", items=["nope"])
    year = selectors.pupil_years(w.lesson_a3.school_id, w.sc.year, [w.student("C3-3").pk])
    got = year[w.student("C3-3").pk]
    assert got.narratives[("remarks", 1)] == "係活動に熱心。"
    assert got.checks[("behaviour", 0)] == {"habits", "care"}
    services.narrative_save(**kw, term=1, kind=NarrativeKind.REMARKS, text="")
    year = selectors.pupil_years(w.lesson_a3.school_id, w.sc.year, [w.student("C3-3").pk])
    assert ("remarks", 1) not in year[w.student("C3-3").pk].narratives


def test_score_grid_reads_in_few_queries(
    grades_world: GradesWorld, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    w = grades_world
    for pupil in ("C3-1", "C3-2", "C3-3"):
        enter(w, pupil, "70", "30", "7")
    with django_assert_max_num_queries(10):
        grid = selectors.score_grid(w.lesson_a3, 1, today=timezone.localdate())
    assert [r.member.student.given_name for r in grid.rows] == ["C3-1", "C3-2", "C3-3"]
    assert grid.rows[0].rating is not None and grid.rows[0].rating.value == 2
    assert grid.entry_open


def _approve(w: GradesWorld, pupil: str) -> None:
    CumulativeRecord.objects.create(
        student=w.student(pupil),
        school=w.lesson_a3.school,
        fiscal_year=w.sc.year,
        state=RecordState.APPROVED,
    )


def test_a_sheet_repeating_an_approved_pupils_scores_saves_the_others(
    grades_world: GradesWorld,
) -> None:
    """An Excel sheet or API PUT carries every pupil; only cells that change meet the lock."""
    w = grades_world
    enter(w, "C3-1", "80", "40", "8")
    _approve(w, "C3-1")
    items = w.items_a3
    c1, c2 = w.student("C3-1").pk, w.student("C3-2").pk
    result = services.scores_save(
        actor=w.acting("teacher_a"),
        lesson=w.lesson_a3,
        term=1,
        changes=[
            ScoreChange(items["単元テスト1"].pk, c1, "80"),
            ScoreChange(items["単元テスト2"].pk, c1, "40"),
            ScoreChange(items["単元テスト1"].pk, c2, "55"),
        ],
    )
    assert result.saved == 1 and result.student_ids == {c2}
    assert Score.objects.get(item=items["単元テスト1"], student_id=c2).value == 55
    # Changing the approved pupil's cell (or clearing it) is still refused, and saves nothing.
    for value in ("81", ""):
        with pytest.raises(GradesLocked, match="坂本 C3-1"):
            services.scores_save(
                actor=w.acting("teacher_a"),
                lesson=w.lesson_a3,
                term=1,
                changes=[
                    ScoreChange(items["単元テスト1"].pk, c2, "60"),
                    ScoreChange(items["単元テスト1"].pk, c1, value),
                ],
            )
        assert Score.objects.get(item=items["単元テスト1"], student_id=c2).value == 55
        assert Score.objects.get(item=items["単元テスト1"], student_id=c1).value == 80


def test_a_rule_change_leaves_ended_terms_as_they_were(grades_world: GradesWorld) -> None:
    """1学期's results were printed on the 通知表 when its entry closed: a later rule change
    recomputes the open terms only (and the 学年末 while the last term is open)."""
    w = grades_world
    enter(w, "C3-1", "80", "40", "8")
    before = rating(w, "C3-1")
    ViewpointResult.objects.filter(student=w.student("C3-1"), term=1).update(
        computed="", explanation="printed"
    )
    RatingResult.objects.filter(student=w.student("C3-1")).update(explanation="printed")
    term = w.setup_a.terms.get(number=1)
    term.entry_closed = True
    term.save()
    services.recompute_lessons([w.lesson_a3.pk])
    assert set(
        ViewpointResult.objects.filter(student=w.student("C3-1"), term=1).values_list(
            "explanation", flat=True
        )
    ) == {"printed"}
    assert rating(w, "C3-1").explanation == "printed"
    # The year is still open: its 評定 is computed again.
    assert rating(w, "C3-1", term=0).explanation != "printed"
    last = w.setup_a.terms.order_by("-number").first()
    assert last is not None
    last.entry_closed = True
    last.save()
    RatingResult.objects.filter(student=w.student("C3-1"), term=0).update(explanation="printed")
    services.recompute_lessons([w.lesson_a3.pk])
    assert rating(w, "C3-1", term=0).explanation == "printed"
    # The demo builds past terms on purpose.
    services.recompute_lessons([w.lesson_a3.pk], include_ended=True)
    assert rating(w, "C3-1").explanation == before.explanation


def test_a_year_override_follows_the_last_terms_entry_period(grades_world: GradesWorld) -> None:
    w = grades_world
    enter(w, "C3-1", "80", "40", "8")
    last = w.setup_a.terms.order_by("-number").first()
    assert last is not None
    last.entry_closed = True
    last.save()
    with pytest.raises(GradesLocked, match="締め切られて"):
        services.rating_set(
            actor=w.acting("teacher_a"),
            lesson=w.lesson_a3,
            student_id=w.student("C3-1").pk,
            term=0,
            value=1,
            reason="学年末の総合的な判断",
        )
    assert RatingResult.objects.get(student=w.student("C3-1"), term=0).entered is None


def test_the_term_system_keeps_a_term_that_has_items(grades_world: GradesWorld) -> None:
    w = grades_world
    setup = w.setup_a
    assert setup.term_system == "3"
    services.item_save(
        actor=w.acting("teacher_a"),
        lesson=w.lesson_a3,
        term=3,
        item=None,
        data=services.ItemInput(name="学年末テスト", viewpoint="knowledge", max_score=Decimal(100)),
    )
    with pytest.raises(ValidationError, match="3学期の評価項目が1件"):
        services.setup_save(
            actor=w.acting("principal_a"),
            school=setup.school,
            fiscal_year=setup.fiscal_year,
            term_system="2",
            rule=setup.rule,
        )
    setup.refresh_from_db()
    assert setup.term_system == "3" and setup.terms.count() == 3


def test_a_pupil_who_moved_class_is_on_the_new_classs_pages_only(
    grades_world: GradesWorld,
) -> None:
    w = grades_world
    old = w.sc.enrolments["C3-1"]
    year = w.sc.year
    other = SchoolClass.objects.create(school=old.school, fiscal_year=year, grade=3, name="2")
    Enrolment.objects.filter(pk=old.pk).update(end_date=date(year, 9, 30))
    Enrolment.objects.create(
        student=old.student,
        school=old.school,
        fiscal_year=year,
        grade=3,
        school_class=other,
        number=1,
        start_date=date(year, 10, 1),
    )
    assert [e.student.given_name for e in selectors.class_pupils(w.class_a3)] == ["C3-2", "C3-3"]
    moved = selectors.class_pupils(other)
    assert [(e.student.given_name, e.school_class_id) for e in moved] == [("C3-1", other.pk)]
