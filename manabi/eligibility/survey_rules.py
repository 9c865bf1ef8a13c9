"""Pure rules of the survey (基本研修受講該当者調査) around the engine: no database.

- how manabi's 職名 (people.JobTitle) and 校種 (orgs.SchoolType) become the engine's ``Job`` and
  ``SchoolType``;
- the 様式 of each training and the columns it prints;
- the default 番号 column (幼稚園→1, 小中特→2, 高校→3, 養護教諭→4, seed 003 様式 note 2);
- the reasons a target cannot attend (受講の可否 ×, seed 003 III.3) and what a decision
  needs before the school may submit;
- the 除算期間の理由 text (「休職のため (R3.10.1〜R4.7.31、R5.3.1〜R6.5.31)」).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from manabi.core import wareki
from manabi.eligibility.engine import Job, LeaveKind, SchoolType

# --- manabi's vocabulary → the engine's -----------------------------------------------------

# 職名 → Job. 主幹教諭・指導教諭 are 教諭 for the statutory trainings (教育公務員特例法 第2条・
# 第24条: 中堅教諭等 includes them), likewise 主幹養護教諭 and 主幹・指導保育教諭. 助教諭, 講師 and
# every other title are not targets.
JOB_BY_TITLE: dict[str, Job] = {
    "teacher": Job.TEACHER,
    "senior_teacher": Job.TEACHER,
    "advising_teacher": Job.TEACHER,
    "nurse_teacher": Job.NURSE_TEACHER,
    "senior_nurse_teacher": Job.NURSE_TEACHER,
    "nursery_teacher": Job.NURSERY_TEACHER,
    "senior_nursery_teacher": Job.NURSERY_TEACHER,
    "advising_nursery_teacher": Job.NURSERY_TEACHER,
    "nutrition_teacher": Job.NUTRITION_TEACHER,
    "senior_nutrition_teacher": Job.NUTRITION_TEACHER,
}

# orgs.SchoolType → SchoolType (幼保連携型認定こども園 counts as 幼稚園等).
SCHOOL_TYPE_BY_ORG_TYPE: dict[str, SchoolType] = {
    "kindergarten": SchoolType.KINDERGARTEN,
    "certified_childcare": SchoolType.KINDERGARTEN,
    "elementary": SchoolType.ELEMENTARY,
    "junior_high": SchoolType.JUNIOR_HIGH,
    "compulsory": SchoolType.COMPULSORY,
    "high": SchoolType.HIGH,
    "secondary": SchoolType.SECONDARY,
    "special_needs": SchoolType.SPECIAL_NEEDS,
}


# Jobs that can be targets at all (栄養教諭 are confirmed elsewhere; the rules decide the rest).
TARGET_JOBS = frozenset({Job.TEACHER, Job.NURSE_TEACHER, Job.NURSERY_TEACHER})


def engine_job(job_title: str) -> Job:
    """The engine's job for a 職名 (教諭→teacher, 養護教諭→nurse_teacher, …, else other)."""
    return JOB_BY_TITLE.get(job_title, Job.OTHER)


def engine_school_type(org_school_type: str) -> SchoolType:
    """The engine's school type for an organisation's 学校種; anything that is not a school
    (行政等, a board, the centre) is ``administration``."""
    return SCHOOL_TYPE_BY_ORG_TYPE.get(org_school_type, SchoolType.ADMINISTRATION)


# --- 様式 ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurveyForm:
    """One 様式 of the survey: the training it reports and the columns it adds."""

    number: int
    training: str
    title: str
    shows_age: bool
    shows_c: bool
    not_for_kindergarten: bool
    equivalents: str


FORMS: tuple[SurveyForm, ...] = (
    SurveyForm(
        1, "second_year", "教職2年次研修", False, False, True, "学級経営講座、養護教諭実務研修"
    ),
    SurveyForm(2, "sixth_year", "教職6年次研修", False, False, False, "教職5年経験者研修"),
    SurveyForm(
        3, "mid_career", "中堅教諭等資質向上研修", True, True, False, "教職10年・12年経験者研修"
    ),
)
FORM_BY_NUMBER = {form.number: form for form in FORMS}
FORM_BY_TRAINING = {form.training: form for form in FORMS}
TRAINING_CHOICES = [(form.training, form.title) for form in FORMS]


def training_title(code: str) -> str:
    form = FORM_BY_TRAINING.get(code)
    return form.title if form else code


def training_equivalents(code: str) -> str:
    form = FORM_BY_TRAINING.get(code)
    return form.equivalents if form else ""


# --- 番号 -----------------------------------------------------------------------------------

NUMBER_CHOICES = [(1, "1 幼稚園"), (2, "2 小中特"), (3, "3 高校"), (4, "4 養護教諭")]

_NUMBER_BY_SCHOOL_TYPE = {
    SchoolType.KINDERGARTEN: 1,
    SchoolType.ELEMENTARY: 2,
    SchoolType.JUNIOR_HIGH: 2,
    SchoolType.COMPULSORY: 2,
    SchoolType.SPECIAL_NEEDS: 2,
    SchoolType.HIGH: 3,
    SchoolType.SECONDARY: 3,
}


def default_number(job: Job, school_type: SchoolType) -> int | None:
    """The 番号 column: 養護教諭→4, else by school type (幼稚園→1, 小中特・義務教育→2,
    高校・中等教育→3). None for staff seconded to administration: the school chooses.

    特別支援学校 and 中等教育学校 write the number of the school type whose course the person
    takes (seed 003); the default is only a starting point the school can change.
    """
    if job is Job.NURSE_TEACHER:
        return 4
    return _NUMBER_BY_SCHOOL_TYPE.get(school_type)


# --- 受講の可否 ------------------------------------------------------------------------------

ATTEND_YES = "yes"
ATTEND_NO = "no"
ATTEND_CHOICES = [(ATTEND_YES, "○"), (ATTEND_NO, "×")]

# Reasons a target cannot attend this year (seed 003 III.3 (1)–(4), and その他).
ABSENCE_GRADUATE = "graduate_dispatch"
ABSENCE_LONG_DISPATCH = "long_dispatch"
ABSENCE_OVERSEAS = "overseas"
ABSENCE_LEAVE = "leave"
ABSENCE_OTHER = "other"
ABSENCE_CHOICES = [
    (ABSENCE_GRADUATE, "大学院等派遣研修(内地留学を含む)"),
    (ABSENCE_LONG_DISPATCH, "長期派遣研修"),
    (ABSENCE_OVERSEAS, "国外勤務・在外勤務等同行休業"),
    (ABSENCE_LEAVE, "休暇・休職・育児休業等"),
    (ABSENCE_OTHER, "その他"),
]
ABSENCE_LABELS = dict(ABSENCE_CHOICES)


def decision_problems(
    *, attend: str, absence_reason: str, absence_reason_text: str, number: int | None
) -> dict[str, str]:
    """What is wrong with one row of the form, by field (empty when it may be saved)."""
    problems: dict[str, str] = {}
    if attend not in ("", ATTEND_YES, ATTEND_NO):
        problems["attend"] = "受講の可否は ○ か × を選んでください。"
    if attend == ATTEND_NO and not absence_reason:
        problems["absence_reason"] = "× の場合は、受講できない理由を選んでください。"
    if absence_reason and absence_reason not in ABSENCE_LABELS:
        problems["absence_reason"] = "受講できない理由を一覧から選んでください。"
    if attend == ATTEND_NO and absence_reason == ABSENCE_OTHER and not absence_reason_text.strip():
        problems["absence_reason_text"] = "「その他」の場合は、理由を具体的に入力してください。"
    if number is not None and number not in (1, 2, 3, 4):
        problems["number"] = "番号は 1〜4 から選んでください。"
    return problems


def absence_text(absence_reason: str, absence_reason_text: str) -> str:
    """The reason printed in 備考 for a × row: 「長期派遣研修のため」, or the text typed."""
    if not absence_reason:
        return ""
    label = ABSENCE_LABELS.get(absence_reason, "")
    detail = absence_reason_text.strip()
    if absence_reason == ABSENCE_OTHER:
        return f"{detail}のため" if detail and not detail.endswith("ため") else detail
    return f"{label}のため" + (f" ({detail})" if detail else "")


# --- 除算期間の理由 ---------------------------------------------------------------------------


def period_text(start: date, end: date | None) -> str:
    """R3.10.1〜R4.7.31 (an open end stays open: R6.4.1〜)."""
    return f"{_short(start)}〜{_short(end) if end else ''}"


def _short(day: date) -> str:
    try:
        return wareki.format_short(day)
    except ValueError:
        return day.isoformat()


def deduction_text(
    leaves: Iterable[tuple[LeaveKind, date, date | None]],
    *,
    kinds: Iterable[LeaveKind],
    reference: date,
) -> str:
    """「休職のため (R3.10.1〜R4.7.31、R5.3.1〜R6.5.31)」 for the leaves of ``kinds`` that began
    on or before ``reference``, grouped by kind in order of their first period."""
    wanted = frozenset(kinds)
    grouped: dict[LeaveKind, list[tuple[date, date | None]]] = {}
    for kind, start, end in sorted(leaves, key=lambda leave: leave[1]):
        if kind in wanted and start <= reference:
            grouped.setdefault(kind, []).append((start, end))
    parts = []
    for kind, periods in grouped.items():
        spans = "、".join(period_text(start, end) for start, end in periods)
        parts.append(f"{kind.label}のため ({spans})")
    return " ".join(parts)
