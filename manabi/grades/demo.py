"""Demo grades of みらい県: a 成績処理設定 (3学期制, the shipped 標準 rule) at every school with
classes in the 年度; at the demo teacher's 学級 (みらい市立中央小学校 3年1組) one 授業クラス
per 教科 of the grade with three 評価項目 per begun 学期 (テスト・課題・ふりかえり, one per 観点),
scores of every pupil (a few 欠 and a few not yet entered in the current 学期), the computed
観点 and 評定 with their explanations, 所見 of the past 学期 and ○ of 行動の記録; and at the
first 中学校 with 習熟度別の数学 the same for its 1年 数学, so that a 5段階の評定 shows.

Everything is fictional. Idempotent: a 授業クラス that has 評価項目 is left as it is, and a
pupil's 所見 or ○ already there are kept.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from manabi.accounts.models import Account
from manabi.classes.models import Duty, DutyKind, LessonClass, SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.grades import services
from manabi.grades.models import (
    YEAR_TERM,
    BehaviourItem,
    CheckGroup,
    CheckMark,
    EvaluationItem,
    GradingSetup,
    Narrative,
    NarrativeKind,
    Score,
    Term,
    TermSystem,
    ViewpointChoice,
)
from manabi.orgs.models import Organisation, SchoolType
from manabi.students.models import PRESENT_STATUSES, Enrolment, LessonMembership, Student

ORDER = 62
BATCH_SIZE = 2000
DEMO_TEACHER = "480002T04000797"
RULE_KEY = "standard_point_sum"


@dataclass(frozen=True)
class ItemPlan:
    name: str
    kind: str
    viewpoint: str
    max_score: int


# The three 評価項目 of every begun 学期, one per 観点.
ITEMS = (
    ItemPlan("テスト", EvaluationItem.Kind.TEST, ViewpointChoice.KNOWLEDGE, 100),
    ItemPlan("課題", EvaluationItem.Kind.ASSIGNMENT, ViewpointChoice.THINKING, 50),
    ItemPlan("ふりかえり", EvaluationItem.Kind.OBSERVATION, ViewpointChoice.ATTITUDE, 10),
)

# 所見 of the 通知表 (fictional, about any pupil).
REMARKS = (
    "友達の意見をよく聞き、自分の考えと比べながら話し合いを深めることができました。",
    "係の仕事に責任をもって取り組み、学級のために進んで働く姿が見られました。",
    "算数の学習では、図や式を使って考え方を分かりやすく説明することができました。",
    "音読に意欲的に取り組み、場面の様子を思い浮かべながら読むことができました。",
    "休み時間には友達と元気に遊び、誰にでも優しく声をかける姿が印象的でした。",
    "分からないことをそのままにせず、質問して理解しようとする姿勢が立派です。",
    "観察したことを丁寧に記録し、気付いたことを進んで発表することができました。",
    "自分の目標に向かってこつこつと努力を続け、着実に力を伸ばしています。",
    "学習の準備や片付けを素早く行い、落ち着いて授業に臨むことができました。",
    "作品づくりでは材料の使い方を工夫し、思いのこもった作品を仕上げました。",
    "困っている友達に気付いて手を差し伸べる、思いやりのある行動が見られました。",
    "漢字の練習に根気強く取り組み、正しく丁寧に書けるようになってきました。",
)

# The 教科 of 小学校 by grade (学習指導要領: 社会・理科 from 3年, 生活 in 1–2年, 家庭・外国語 in 5–6年).
ELEMENTARY_SUBJECTS: tuple[tuple[str, int, int], ...] = (
    ("国語", 1, 6),
    ("社会", 3, 6),
    ("算数", 1, 6),
    ("理科", 3, 6),
    ("生活", 1, 2),
    ("音楽", 1, 6),
    ("図画工作", 1, 6),
    ("家庭", 5, 6),
    ("体育", 1, 6),
    ("外国語", 5, 6),
)
JUNIOR_HIGH_SUBJECTS = (
    "国語",
    "社会",
    "数学",
    "理科",
    "音楽",
    "美術",
    "保健体育",
    "技術・家庭",
    "外国語",
)


def accounts() -> list[DemoAccount]:
    return []


def subjects_of(school_type: str, grade: int) -> list[str]:
    """The 教科 a 学級 of the grade is taught (each becomes a 授業クラス)."""
    if school_type == SchoolType.JUNIOR_HIGH or (
        school_type == SchoolType.COMPULSORY and grade >= 7
    ):
        return list(JUNIOR_HIGH_SUBJECTS)
    return [name for name, first, last in ELEMENTARY_SUBJECTS if first <= grade <= last]


def build(options: DemoOptions) -> None:
    """The same data for every size (the large plan only adds staff)."""
    fiscal_year = current_fiscal_year()
    today = timezone.localdate()
    with transaction.atomic():
        _setups(fiscal_year)
        teacher = Account.objects.filter(login_id=DEMO_TEACHER).first()
        lessons: list[LessonClass] = []
        homeroom = _homeroom_of(teacher, fiscal_year)
        if teacher is not None and homeroom is not None:
            lessons += _class_lessons(teacher, homeroom)
        lessons += _junior_high_maths(fiscal_year)
        by = teacher.pk if teacher is not None else None
        filled = [lesson.pk for lesson in lessons if _fill_lesson(lesson, today, by)]
        if filled:
            services.recompute_lessons(filled, include_ended=True)
        if teacher is not None and homeroom is not None:
            _texts(homeroom, today, by)


def _setups(fiscal_year: int) -> None:
    """成績処理設定 (3学期制, the standard rule, the usual terms) where a school has none."""
    schools = list(
        Organisation.objects.filter(
            pk__in=SchoolClass.objects.filter(fiscal_year=fiscal_year).values("school_id")
        )
        .exclude(pk__in=GradingSetup.objects.filter(fiscal_year=fiscal_year).values("school_id"))
        .order_by("code")
    )
    if not schools:
        return
    rule = services.shipped_rule_row(RULE_KEY)
    setups = GradingSetup.objects.bulk_create(
        [
            GradingSetup(
                school=school, fiscal_year=fiscal_year, term_system=TermSystem.THREE, rule=rule
            )
            for school in schools
        ]
    )
    if any(s.pk is None for s in setups):  # a backend without RETURNING
        setups = list(GradingSetup.objects.filter(fiscal_year=fiscal_year, school__in=schools))
    terms = services.default_terms(fiscal_year, TermSystem.THREE)
    Term.objects.bulk_create(
        [
            Term(
                setup=setup,
                number=t.number,
                name=t.name,
                starts_on=t.starts_on,
                ends_on=t.ends_on,
                entry_opens_on=t.entry_opens_on,
                entry_closes_on=t.entry_closes_on,
                entry_closed=t.entry_closed,
            )
            for setup in setups
            for t in terms
        ],
        batch_size=BATCH_SIZE,
    )


def _homeroom_of(teacher: Account | None, fiscal_year: int) -> SchoolClass | None:
    if teacher is None or teacher.staff_id is None:
        return None
    duty = (
        Duty.objects.filter(
            staff_id=teacher.staff_id, fiscal_year=fiscal_year, kind=DutyKind.HOMEROOM
        )
        .select_related("school_class__school")
        .first()
    )
    return duty.school_class if duty is not None else None


def _pupils(school_class: SchoolClass) -> list[int]:
    return list(
        Enrolment.objects.filter(
            school_class=school_class, is_provisional=False, status__in=PRESENT_STATUSES
        )
        .order_by("number", "pk")
        .values_list("student_id", flat=True)
    )


def _class_lessons(teacher: Account, school_class: SchoolClass) -> list[LessonClass]:
    """One 授業クラス per 教科 of the 学級 (「3年1組 国語」), taught by its 担任 and taken by
    its pupils; made where missing."""
    school = school_class.school
    fiscal_year = school_class.fiscal_year
    subjects = subjects_of(school.school_type, school_class.grade)
    if "数学" in subjects and (
        LessonClass.objects.filter(
            school=school, fiscal_year=fiscal_year, grade=school_class.grade, subject="数学"
        ).exists()
    ):
        subjects.remove("数学")  # the grade's 数学 is taught in 習熟度別の授業クラス
    names = {f"{school_class.label} {subject}": subject for subject in subjects}
    have = {
        lesson.name: lesson
        for lesson in LessonClass.objects.filter(
            school=school, fiscal_year=fiscal_year, name__in=list(names)
        )
    }
    missing = [name for name in names if name not in have]
    if missing:
        LessonClass.objects.bulk_create(
            [
                LessonClass(
                    school=school,
                    fiscal_year=fiscal_year,
                    subject=names[name],
                    name=name,
                    grade=school_class.grade,
                )
                for name in missing
            ]
        )
        have = {
            lesson.name: lesson
            for lesson in LessonClass.objects.filter(
                school=school, fiscal_year=fiscal_year, name__in=list(names)
            )
        }
    lessons = [have[name] for name in names]
    staff_id = teacher.staff_id
    assert staff_id is not None
    taught = set(
        Duty.objects.filter(
            staff_id=staff_id, kind=DutyKind.SUBJECT, lesson_class__in=lessons
        ).values_list("lesson_class_id", flat=True)
    )
    Duty.objects.bulk_create(
        [
            Duty(
                school=school,
                fiscal_year=fiscal_year,
                staff_id=staff_id,
                kind=DutyKind.SUBJECT,
                lesson_class=lesson,
            )
            for lesson in lessons
            if lesson.pk not in taught
        ]
    )
    pupils = _pupils(school_class)
    members = set(
        LessonMembership.objects.filter(lesson_class__in=lessons).values_list(
            "lesson_class_id", "student_id"
        )
    )
    LessonMembership.objects.bulk_create(
        [
            LessonMembership(lesson_class=lesson, student_id=sid)
            for lesson in lessons
            for sid in pupils
            if (lesson.pk, sid) not in members
        ],
        batch_size=BATCH_SIZE,
    )
    return lessons


def _junior_high_maths(fiscal_year: int) -> list[LessonClass]:
    """The 1年 数学 習熟度 A and B of the first 中学校 (by code) that has them."""
    lessons = list(
        LessonClass.objects.filter(
            fiscal_year=fiscal_year,
            school__school_type=SchoolType.JUNIOR_HIGH,
            subject="数学",
            grade=1,
            name__contains="習熟度",
            is_provisional=False,
        )
        .select_related("school")
        .order_by("school__code", "name")
    )
    if not lessons:
        return []
    first = lessons[0].school_id
    return [lesson for lesson in lessons if lesson.school_id == first]


def _begun_terms(school_id: int, fiscal_year: int, today: date) -> list[Term]:
    return list(
        Term.objects.filter(
            setup__school_id=school_id, setup__fiscal_year=fiscal_year, starts_on__lte=today
        ).order_by("number")
    )


def _ability(student_code: str) -> float:
    """A pupil's usual share of the marks (the same in every 教科 and every run)."""
    rng = random.Random(f"grades-ability-{student_code}")
    return min(max(rng.gauss(0.72, 0.14), 0.2), 0.98)


def _fill_lesson(lesson: LessonClass, today: date, by: int | None) -> bool:
    """評価項目 and scores of every begun 学期; False when the 授業クラス already has items
    (or nobody takes it, or no 学期 has begun)."""
    if EvaluationItem.objects.filter(lesson_class=lesson).exists():
        return False
    terms = _begun_terms(lesson.school_id, lesson.fiscal_year, today)
    pupils = list(
        Student.objects.filter(lessons__lesson_class=lesson)
        .order_by("code")
        .values_list("pk", "code")
    )
    if not terms or not pupils:
        return False
    items = EvaluationItem.objects.bulk_create(
        [
            EvaluationItem(
                lesson_class=lesson,
                term=term.number,
                name=plan.name,
                kind=plan.kind,
                viewpoint=plan.viewpoint,
                max_score=Decimal(plan.max_score),
                order=order,
            )
            for term in terms
            for order, plan in enumerate(ITEMS, start=1)
        ]
    )
    if any(item.pk is None for item in items):
        items = list(EvaluationItem.objects.filter(lesson_class=lesson).order_by("term", "order"))
    current = {t.number for t in terms if t.ends_on >= today}
    rng = random.Random(f"grades-{lesson.fiscal_year}-{lesson.school.code}-{lesson.name}")
    scores: list[Score] = []
    for sid, code in pupils:
        ability = _ability(code) + rng.gauss(0, 0.06)  # stronger in some 教科 than others
        for item in items:
            in_current = item.term in current
            roll = rng.random()
            if in_current and roll < 0.03:
                continue  # not entered yet
            if in_current and roll < 0.05:
                scores.append(Score(item=item, student_id=sid, excused=True, updated_by_id=by))
                continue
            share = min(max(ability + rng.gauss(0, 0.08), 0.0), 1.0)
            value = Decimal(round(share * float(item.max_score)))
            scores.append(Score(item=item, student_id=sid, value=value, updated_by_id=by))
    Score.objects.bulk_create(scores, batch_size=BATCH_SIZE)
    return True


def _texts(school_class: SchoolClass, today: date, by: int | None) -> None:
    """所見 of the past 学期 for about two thirds of the class, and ○ of 行動の記録 (the year)."""
    school_id = school_class.school_id
    fiscal_year = school_class.fiscal_year
    pupils = list(
        Student.objects.filter(pk__in=_pupils(school_class))
        .order_by("code")
        .values_list("pk", "code")
    )
    past = [t.number for t in _begun_terms(school_id, fiscal_year, today) if t.ends_on < today]
    have_texts = set(
        Narrative.objects.filter(
            school_id=school_id,
            fiscal_year=fiscal_year,
            kind=NarrativeKind.REMARKS,
            student_id__in=[sid for sid, _ in pupils],
        ).values_list("student_id", "term")
    )
    have_checks = set(
        CheckMark.objects.filter(
            school_id=school_id,
            fiscal_year=fiscal_year,
            term=YEAR_TERM,
            group=CheckGroup.BEHAVIOUR,
            student_id__in=[sid for sid, _ in pupils],
        ).values_list("student_id", "item")
    )
    texts: list[Narrative] = []
    checks: list[CheckMark] = []
    for sid, code in pupils:
        rng = random.Random(f"grades-texts-{fiscal_year}-{code}")
        for term in past:
            written = rng.random() < 2 / 3
            first, second = rng.sample(REMARKS, 2)
            if written and (sid, term) not in have_texts:
                texts.append(
                    Narrative(
                        student_id=sid,
                        school_id=school_id,
                        fiscal_year=fiscal_year,
                        term=term,
                        kind=NarrativeKind.REMARKS,
                        text=first + second,
                        updated_by_id=by,
                    )
                )
        for item in BehaviourItem.values:
            if rng.random() < 0.25 and (sid, item) not in have_checks:
                checks.append(
                    CheckMark(
                        student_id=sid,
                        school_id=school_id,
                        fiscal_year=fiscal_year,
                        term=YEAR_TERM,
                        group=CheckGroup.BEHAVIOUR,
                        item=item,
                        updated_by_id=by,
                    )
                )
    Narrative.objects.bulk_create(texts, batch_size=BATCH_SIZE)
    CheckMark.objects.bulk_create(checks, batch_size=BATCH_SIZE)
