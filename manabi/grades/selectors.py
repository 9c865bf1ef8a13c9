"""Reads of grades: the set-up and rule in force, a 授業クラス's score grid, the 授業クラス and 学級
within a reach, and a pupil's year (the data of the 通知表 and 指導要録)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db.models import QuerySet

from manabi.access.selectors import Reach
from manabi.attendance.lesson_selectors import Member, lesson_members
from manabi.classes.models import LessonClass, SchoolClass
from manabi.classes.selectors import classes_in_reach, lesson_classes_in_reach
from manabi.grades import rules
from manabi.grades.models import (
    YEAR_TERM,
    BehaviourItem,
    CheckGroup,
    CheckMark,
    CumulativeRecord,
    EvaluationItem,
    GradingRule,
    GradingSetup,
    Narrative,
    RatingResult,
    RecordState,
    Score,
    SpecialActivityItem,
    Term,
    ViewpointResult,
)
from manabi.orgs.models import Organisation, SchoolType
from manabi.students.models import Enrolment
from manabi.students.selectors import class_pupils as class_pupils


def setup_of(school_id: int, fiscal_year: int) -> GradingSetup | None:
    return (
        GradingSetup.objects.filter(school_id=school_id, fiscal_year=fiscal_year)
        .select_related("rule")
        .first()
    )


def terms_of(setup: GradingSetup | None) -> list[Term]:
    return list(setup.terms.order_by("number")) if setup is not None else []


def term_label(term: int, terms: Sequence[Term]) -> str:
    if term == YEAR_TERM:
        return "学年末"
    for t in terms:
        if t.number == term:
            return t.name
    return f"{term}学期"


@lru_cache(maxsize=256)
def _parsed(rule_id: int, version: int) -> rules.Rule:
    # A version is never changed once saved, so the parse is cached by its id.
    row = GradingRule.objects.get(pk=rule_id)
    return rules.parse_rule(row.data)


def parsed_rule(row: GradingRule) -> rules.Rule:
    return _parsed(row.pk, row.version)


def school_level(school: Organisation, grade: int) -> tuple[str, int]:
    """The 学校段階 and grade the 評定 scale is chosen by: 義務教育学校 7–9年 are 中学校 1–3,
    中等教育学校 1–3年 (前期課程) are 中学校 1–3 and 4–6年 (後期課程) are 高等学校 1–3."""
    match school.school_type:
        case SchoolType.JUNIOR_HIGH:
            return "junior_high", grade
        case SchoolType.COMPULSORY if grade >= 7:
            return "junior_high", grade - 6
        case SchoolType.SECONDARY:
            return ("junior_high", grade) if grade <= 3 else ("high", grade - 3)
        case SchoolType.HIGH:
            return "high", grade
    return "elementary", grade


def special_activity_items(level: str) -> list[tuple[str, str]]:
    """特別活動の記録's rows: クラブ活動 is 小学校 only; 児童会 or 生徒会 by level (pure)."""
    rows: list[tuple[str, str]] = []
    for item in SpecialActivityItem:
        if item == SpecialActivityItem.CLUB and level != "elementary":
            continue
        label = item.label
        if item == SpecialActivityItem.COUNCIL:
            label = "児童会活動" if level == "elementary" else "生徒会活動"
        rows.append((item.value, label))
    return rows


def check_items(group: str, school: Organisation, grade: int) -> list[tuple[str, str]]:
    """The ○ rows of 行動の記録 (the ten items) or 特別活動の記録 for a pupil of the school's
    grade: no クラブ活動 in 中学校, 児童会 or 生徒会 by level."""
    if group == CheckGroup.SPECIAL_ACTIVITIES:
        return special_activity_items(school_level(school, grade)[0])
    return list(BehaviourItem.choices)


def scale_of(school: Organisation, grade: int) -> rules.Scale:
    level, g = school_level(school, grade)
    try:
        return rules.scale_for(level, g)
    except ValueError:
        return rules.Scale.NONE


def lessons_in_reach(reach: Reach) -> QuerySet[LessonClass]:
    return lesson_classes_in_reach(reach)


def school_classes_in_reach(reach: Reach) -> QuerySet[SchoolClass]:
    return classes_in_reach(reach)


def enrolment_grades(
    school_id: int, fiscal_year: int, student_ids: Iterable[int]
) -> dict[int, int]:
    """Each pupil's 学年 in the 年度 at the school (their latest placement there)."""
    grades: dict[int, int] = {}
    for sid, grade in (
        Enrolment.objects.filter(
            student_id__in=list(student_ids),
            school_id=school_id,
            fiscal_year=fiscal_year,
            is_provisional=False,
        )
        .order_by("start_date")
        .values_list("student_id", "grade")
    ):
        grades[sid] = grade
    return grades


@dataclass
class GridRow:
    member: Member
    scores: dict[int, Score]  # item id → score
    viewpoints: dict[str, ViewpointResult]
    rating: RatingResult | None
    year_rating: RatingResult | None
    record_state: str = ""  # the 指導要録's state when approved or locked ("" otherwise)

    @property
    def locked(self) -> bool:
        return bool(self.record_state)


@dataclass
class ScoreGrid:
    lesson: LessonClass
    term: int
    terms: list[Term]
    items: list[EvaluationItem]
    rows: list[GridRow]
    setup: GradingSetup | None
    entry_open: bool
    entry_message: str
    scale_label: str = ""
    by_viewpoint: dict[str, list[EvaluationItem]] = field(default_factory=dict)
    rating_basis: str = ""


VIEWPOINT_ORDER = {str(vp): i for i, vp in enumerate(rules.VIEWPOINTS)}


def item_order(item: EvaluationItem) -> tuple[int, int, int]:
    """評価項目 in the order of the 観点 (知識・技能, 思考・判断・表現, 態度), then their own."""
    return (VIEWPOINT_ORDER.get(item.viewpoint, 9), item.order, item.pk)


def entry_state(term: Term | None, today: date) -> tuple[bool, str]:
    """Whether a term's scores and results can be entered today, and why not (入力制限設定)."""
    if term is None:
        return False, "成績処理設定でこの学期が設定されていません。"
    if term.entry_closed:
        return False, f"{term.name}の入力は締め切られています。"
    if term.entry_opens_on and today < term.entry_opens_on:
        return False, f"{term.name}の入力期間は{_md(term.entry_opens_on)}からです。"
    if term.entry_closes_on and today > term.entry_closes_on:
        return False, f"{term.name}の入力期間は{_md(term.entry_closes_on)}で終わりました。"
    return True, ""


def entry_ended(term: Term, today: date) -> bool:
    """Whether the term's entry is over (締切 or past its 入力終了日): its results are what
    was printed, and a later rule change leaves them alone."""
    return term.entry_closed or (term.entry_closes_on is not None and today > term.entry_closes_on)


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def locked_students(
    school_id: int, fiscal_year: int, student_ids: Iterable[int], *, for_update: bool = False
) -> set[int]:
    """Pupils whose 指導要録 of the year is approved or locked: their grades are closed.

    A write passes ``for_update``: the pupils' records are then locked until it commits, so an
    approval (which locks the record first) waits for the write and reads what it wrote, or the
    write waits for the approval and is refused."""
    records = CumulativeRecord.objects.all()
    if for_update:
        ids = list(student_ids)
        list(
            records.select_for_update()
            .filter(school_id=school_id, fiscal_year=fiscal_year, student_id__in=ids)
            .values_list("pk", flat=True)
        )
        student_ids = ids
    return set(
        records.filter(
            school_id=school_id,
            fiscal_year=fiscal_year,
            student_id__in=list(student_ids),
            state__in=(RecordState.APPROVED, RecordState.LOCKED),
        ).values_list("student_id", flat=True)
    )


def score_grid(lesson: LessonClass, term: int, *, today: date) -> ScoreGrid:
    """A 授業クラス's term: pupils × 評価項目 with the scores, the 観点 and 評定 (seven queries)."""
    setup = setup_of(lesson.school_id, lesson.fiscal_year)
    terms = terms_of(setup)
    items = sorted(
        EvaluationItem.objects.filter(lesson_class=lesson, term=term),
        key=item_order,
    )
    members = lesson_members(lesson)
    ids = [m.student.pk for m in members]
    scores: dict[int, dict[int, Score]] = defaultdict(dict)
    for s in Score.objects.filter(item__in=items, student_id__in=ids):
        scores[s.student_id][s.item_id] = s
    vps: dict[int, dict[str, ViewpointResult]] = defaultdict(dict)
    for v in ViewpointResult.objects.filter(lesson_class=lesson, term=term, student_id__in=ids):
        vps[v.student_id][v.viewpoint] = v
    ratings: dict[tuple[int, int], RatingResult] = {
        (r.student_id, r.term): r
        for r in RatingResult.objects.filter(
            lesson_class=lesson, term__in=(term, YEAR_TERM), student_id__in=ids
        )
    }
    closed = dict(
        CumulativeRecord.objects.filter(
            school_id=lesson.school_id,
            fiscal_year=lesson.fiscal_year,
            student_id__in=ids,
            state__in=(RecordState.APPROVED, RecordState.LOCKED),
        ).values_list("student_id", "state")
    )
    rows = [
        GridRow(
            member=m,
            scores=scores[m.student.pk],
            viewpoints=vps[m.student.pk],
            rating=ratings.get((m.student.pk, term)),
            year_rating=ratings.get((m.student.pk, YEAR_TERM)),
            record_state=closed.get(m.student.pk, ""),
        )
        for m in members
    ]
    current = next((t for t in terms if t.number == term), None)
    if term == YEAR_TERM:
        open_, message = (setup is not None), ("" if setup else "成績処理設定がありません。")
    else:
        open_, message = entry_state(current, today)
    by_vp: dict[str, list[EvaluationItem]] = defaultdict(list)
    for item in items:
        by_vp[item.viewpoint].append(item)
    return ScoreGrid(
        lesson=lesson,
        term=term,
        terms=terms,
        items=items,
        rows=rows,
        setup=setup,
        entry_open=open_,
        entry_message=message,
        by_viewpoint=dict(by_vp),
        rating_basis=_rating_basis(setup),
    )


def _rating_basis(setup: GradingSetup | None) -> str:
    """How the school's rule makes the 評定, in a sentence for the grid's help text."""
    if setup is None:
        return ""
    method = parsed_rule(setup.rule).method
    if method == rules.Method.AVERAGE:
        return "評定はすべての評価項目の素点の割合 (重み付き平均) から算出します。"
    if method == rules.Method.PATTERN:
        return "評定は観点の組み合わせ (組合せ表) から算出します。"
    return "評定は観点の点数の合計 (A=3・B=2・C=1) から算出します。"


# ---------------------------------------------------------------------------------------------
# A pupil's year: what the 通知表 and 指導要録 show.


@dataclass
class SubjectYear:
    """One subject of a pupil's year: 観点 and 評定 by term (0 = 学年末)."""

    subject: str
    lesson_class_id: int
    viewpoints: dict[int, dict[str, str]]  # term → viewpoint → A/B/C
    ratings: dict[int, int | None]  # term → 評定
    explanations: dict[int, str]


@dataclass
class PupilYear:
    student_id: int
    subjects: list[SubjectYear]
    narratives: dict[tuple[str, int], str]  # (kind, term) → text
    checks: dict[tuple[str, int], set[str]]  # (group, term) → items with ○


def pupil_years(
    school_id: int, fiscal_year: int, student_ids: Sequence[int]
) -> dict[int, PupilYear]:
    """The year's grades and texts of several pupils at a school (five queries in all), for
    the 通知表 and 指導要録 of a class."""
    lessons = {
        lc.pk: lc
        for lc in LessonClass.objects.filter(
            school_id=school_id,
            fiscal_year=fiscal_year,
            is_provisional=False,
            memberships__student_id__in=list(student_ids),
        ).distinct()
    }
    per: dict[int, dict[int, SubjectYear]] = defaultdict(dict)

    def subject_of(sid: int, lesson_id: int) -> SubjectYear:
        found = per[sid].get(lesson_id)
        if found is None:
            found = SubjectYear(
                subject=lessons[lesson_id].subject,
                lesson_class_id=lesson_id,
                viewpoints=defaultdict(dict),
                ratings={},
                explanations={},
            )
            per[sid][lesson_id] = found
        return found

    for v in ViewpointResult.objects.filter(
        lesson_class_id__in=list(lessons), student_id__in=list(student_ids)
    ):
        if v.mark:
            subject_of(v.student_id, v.lesson_class_id).viewpoints[v.term][v.viewpoint] = v.mark
    for r in RatingResult.objects.filter(
        lesson_class_id__in=list(lessons), student_id__in=list(student_ids)
    ):
        s = subject_of(r.student_id, r.lesson_class_id)
        s.ratings[r.term] = r.value
        s.explanations[r.term] = r.explanation
    narratives: dict[int, dict[tuple[str, int], str]] = defaultdict(dict)
    for n in Narrative.objects.filter(
        school_id=school_id, fiscal_year=fiscal_year, student_id__in=list(student_ids)
    ):
        narratives[n.student_id][(n.kind, n.term)] = n.text
    checks: dict[int, dict[tuple[str, int], set[str]]] = defaultdict(lambda: defaultdict(set))
    for c in CheckMark.objects.filter(
        school_id=school_id, fiscal_year=fiscal_year, student_id__in=list(student_ids)
    ):
        checks[c.student_id][(c.group, c.term)].add(c.item)
    order = {name: i for i, name in enumerate(SUBJECT_ORDER)}
    result = {}
    for sid in student_ids:
        subjects = sorted(per[sid].values(), key=lambda s: (order.get(s.subject, 99), s.subject))
        result[sid] = PupilYear(
            student_id=sid,
            subjects=subjects,
            narratives=dict(narratives[sid]),
            checks={k: set(v) for k, v in checks[sid].items()},
        )
    return result


# The order of 各教科 in 指導要録 様式2 (小学校 and 中学校 together).
SUBJECT_ORDER = (
    "国語",
    "社会",
    "算数",
    "数学",
    "理科",
    "生活",
    "音楽",
    "図画工作",
    "美術",
    "家庭",
    "体育",
    "保健体育",
    "技術・家庭",
    "外国語",
)


def percent(value: Decimal | None) -> str:
    return rules.percent_label(value) if value is not None else ""
