"""What the printed 健康診断 outputs show: the 児童生徒健康診断票 (一般・歯・口腔) of a pupil
laid out as the 様式 of 学校保健安全法施行規則 (one column per 学年 on the 一般 page, one line
per 学年 on the 歯・口腔 page), and the お知らせ (健康診断の結果のお知らせ) to the guardians.

The rows are built here as plain values so the templates under ``health/pdf/`` only lay them
out. 肥満度 and its 判定 have no row of their own on the 様式: they are printed in 備考
(``肥満度 30.8% (中等度肥満)``), next to the 栄養状態 the school doctor judges from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from manabi.core.wareki import format_date, format_fiscal_year
from manabi.health import measures, teeth
from manabi.health.models import DentalExam, HealthExam
from manabi.orgs.models import Organisation, SchoolType
from manabi.students.models import Enrolment, Student

EMPTY = ""

# 学年 columns of the 様式 by 学校種 (小学校 6, 中学校 3 …); others get 6.
GRADE_COLUMNS: dict[str, int] = {
    SchoolType.ELEMENTARY: 6,
    SchoolType.JUNIOR_HIGH: 3,
    SchoolType.COMPULSORY: 9,
    SchoolType.HIGH: 4,
    SchoolType.SECONDARY: 6,
}

# 視力 bands as the お知らせ explains them (370方式; the 小数視力 written as schools do).
VISION_MEANINGS: tuple[tuple[str, str, str], ...] = (
    ("A", "1.0以上", "教室の後ろの席からでも黒板の文字がよく見えます。"),
    ("B", "0.7〜0.9", "教室の後ろの席では黒板の文字が見えにくいことがあります。"),
    ("C", "0.3〜0.6", "教室の中ほどの席でも黒板の文字が見えにくいことがあります。"),
    ("D", "0.3未満", "教室の前の席でも黒板の文字がよく見えません。"),
)
EYE_DOCTOR_ADVICE = (
    "視力の判定がB・C・Dのお子さんは、眼科を受診し、医師の指示を受けてください。"
    "眼鏡等を使っている場合は、度が合っているかどうかも確かめてもらいましょう。"
)


# --- cells (pure) -----------------------------------------------------------------------------


def number_text(value: Decimal | None) -> str:
    return EMPTY if value is None else f"{value}"


def vision_text(value: str, category: str) -> str:
    """A 視力 cell: the category letter with the 小数視力 where it was measured
    (``B (0.8)``), the letter alone where only the letter was recorded."""
    if not value and not category:
        return EMPTY
    if not category or value == category:
        return value or category
    return f"{category} ({value})"


def obesity_text(degree: Decimal | None, category: str) -> str:
    """``肥満度 30.8%`` and, on a second line, ``(中等度肥満)``; empty when not computed."""
    if degree is None:
        return EMPTY
    return f"肥満度 {degree}%\n({category})" if category else f"肥満度 {degree}%"


def month_day(day: date | None) -> str:
    return EMPTY if day is None else f"{day.month}月{day.day}日"


def scale_text(value: int | None, item: teeth.OralItem) -> str:
    """0 / 1 / 2 as printed; 歯肉の状態 adds GO / G."""
    if value is None:
        return EMPTY
    code = teeth.gingiva_code(teeth.OralScale(value)) if item is teeth.OralItem.GINGIVA else None
    return f"{value} ({code})" if code else str(value)


# --- 健康診断票 (一般) --------------------------------------------------------------------------


@dataclass(frozen=True)
class YearColumn:
    """One 学年 of the 様式: the 年度 the pupil was in it and that year's records (or blank)."""

    grade: int | None
    fiscal_year: int | None
    exam: HealthExam | None = None
    dental: DentalExam | None = None

    @property
    def grade_label(self) -> str:
        return EMPTY if self.grade is None else f"{self.grade}年"

    @property
    def year_label(self) -> str:
        return EMPTY if self.fiscal_year is None else format_fiscal_year(self.fiscal_year)


@dataclass(frozen=True)
class FormRow:
    """A row of the 一般 page: ``group`` heads ``span`` rows (0 = under the one above)."""

    group: str
    label: str
    cells: list[str]
    span: int = 1


def year_columns(
    count: int,
    grades_by_year: dict[int, int],
    exams: Iterable[HealthExam],
    dentals: Iterable[DentalExam],
) -> list[YearColumn]:
    """The 学年 columns, oldest left: one per 学年 1…``count``, a 学年 the pupil was in
    twice gets two, a year whose 学年 is unknown or beyond ``count`` goes after (pure)."""
    exam_by_year = {e.fiscal_year: e for e in exams}
    dental_by_year = {d.fiscal_year: d for d in dentals}
    years = sorted(set(grades_by_year) | set(exam_by_year) | set(dental_by_year))
    placed: dict[int, list[int]] = {}
    extra: list[int] = []
    for year in years:
        grade = grades_by_year.get(year)
        if grade is not None and 1 <= grade <= count:
            placed.setdefault(grade, []).append(year)
        else:
            extra.append(year)

    def column(year: int) -> YearColumn:
        return YearColumn(
            grade=grades_by_year.get(year),
            fiscal_year=year,
            exam=exam_by_year.get(year),
            dental=dental_by_year.get(year),
        )

    columns: list[YearColumn] = []
    for grade in range(1, count + 1):
        if grade in placed:
            columns.extend(column(y) for y in placed[grade])
        else:
            columns.append(YearColumn(grade=grade, fiscal_year=None))
    columns.extend(column(y) for y in extra)
    return columns


def _exam_cells(columns: Sequence[YearColumn], key: str) -> list[str]:
    return [str(getattr(c.exam, key)) if c.exam else EMPTY for c in columns]


def general_rows(columns: Sequence[YearColumn], birth_date: date) -> list[FormRow]:
    """The rows of the 一般 page in the 様式's order, one cell per column (pure)."""

    def each(fn: Any) -> list[str]:
        return [fn(c.exam) if c.exam is not None else EMPTY for c in columns]

    def vision(side: str, kind: str) -> list[str]:
        key = f"vision_{side}_{kind}"
        return each(lambda e: vision_text(getattr(e, key), getattr(e, f"{key}_category")))

    ages = [
        EMPTY if c.fiscal_year is None else f"{measures.school_age(birth_date, c.fiscal_year)}歳"
        for c in columns
    ]
    return [
        FormRow("年齢", EMPTY, ages),
        FormRow("年度", EMPTY, [c.year_label for c in columns]),
        FormRow("身長 (cm)", EMPTY, each(lambda e: number_text(e.height_cm))),
        FormRow("体重 (kg)", EMPTY, each(lambda e: number_text(e.weight_kg))),
        FormRow("栄養状態", EMPTY, _exam_cells(columns, "nutrition")),
        FormRow("脊柱・胸郭・四肢", EMPTY, _exam_cells(columns, "spine_chest_limbs")),
        FormRow("視力", "右 裸眼", vision("right", "naked"), span=4),
        FormRow("視力", "右 矯正", vision("right", "corrected"), span=0),
        FormRow("視力", "左 裸眼", vision("left", "naked"), span=0),
        FormRow("視力", "左 矯正", vision("left", "corrected"), span=0),
        FormRow("眼の疾病及び異常", EMPTY, _exam_cells(columns, "eye_disease")),
        FormRow("聴力", "右", _exam_cells(columns, "hearing_right"), span=2),
        FormRow("聴力", "左", _exam_cells(columns, "hearing_left"), span=0),
        FormRow("耳鼻咽頭疾患", EMPTY, _exam_cells(columns, "ent_disease")),
        FormRow("皮膚疾患", EMPTY, _exam_cells(columns, "skin_disease")),
        FormRow("結核", "疾病及び異常", _exam_cells(columns, "tuberculosis")),
        FormRow("心臓", "疾病及び異常", _exam_cells(columns, "heart")),
        FormRow("尿", "蛋白", _exam_cells(columns, "urine_protein"), span=3),
        FormRow("尿", "糖", _exam_cells(columns, "urine_sugar"), span=0),
        FormRow("尿", "潜血", _exam_cells(columns, "urine_blood"), span=0),
        FormRow("その他の疾病及び異常", EMPTY, _exam_cells(columns, "other_disease")),
        FormRow("学校医", "所見", _exam_cells(columns, "doctor_findings"), span=2),
        FormRow("学校医", "月日", each(lambda e: month_day(e.exam_date)), span=0),
        FormRow("事後措置", EMPTY, _exam_cells(columns, "follow_up")),
        FormRow(
            "備考",
            EMPTY,
            each(lambda e: obesity_text(e.obesity_degree, e.obesity_category)),
        ),
    ]


# --- 健康診断票 (歯・口腔) -------------------------------------------------------------------


@dataclass(frozen=True)
class ToothCell:
    """One place of the printed 歯式: the mark, or the tooth's number in grey when blank."""

    tooth: str
    mark: str
    left_side: bool  # the pupil's left (right half of the chart)

    @property
    def blank(self) -> bool:
        return not self.mark


def _tooth_row(upper: bool, primary: bool, chart: dict[str, str]) -> list[ToothCell | None]:
    right, left = ("右上", "左上") if upper else ("右下", "左下")
    names = teeth.PRIMARY_TEETH if primary else teeth.PERMANENT_TEETH
    row: list[ToothCell | None] = [None] * 3 if primary else []
    row += [ToothCell(t, chart.get(f"{right}{t}", EMPTY), False) for t in names[::-1]]
    row += [ToothCell(t, chart.get(f"{left}{t}", EMPTY), True) for t in names]
    row += [None] * 3 if primary else []
    return row


def tooth_grid(chart: dict[str, str]) -> list[list[ToothCell | None]]:
    """The 52 places of the 歯式 as the form draws them: 永久歯 上, 乳歯 上, 乳歯 下, 永久歯 下,
    each row from the pupil's right 8…1 | 1…8 (乳歯 E…A | A…E under 5…1) (pure)."""
    return [
        _tooth_row(True, False, chart),
        _tooth_row(True, True, chart),
        _tooth_row(False, True, chart),
        _tooth_row(False, False, chart),
    ]


@dataclass(frozen=True)
class DentalLine:
    """One 学年 line of the 歯・口腔 page."""

    column: YearColumn
    age: str
    scales: list[str]
    grid: list[list[ToothCell | None]]
    counts: list[str]
    findings: str
    exam_day: str
    follow_up: str


DENTAL_SCALES = (
    ("jaw_joint", teeth.OralItem.JAW_JOINT),
    ("occlusion", teeth.OralItem.OCCLUSION),
    ("plaque", teeth.OralItem.PLAQUE),
    ("gingiva", teeth.OralItem.GINGIVA),
)
DENTAL_COUNTS = (
    ("primary_present", "乳歯", "現在歯数"),
    ("primary_decayed", "乳歯", "未処置歯数"),
    ("primary_filled", "乳歯", "処置歯数"),
    ("permanent_present", "永久歯", "現在歯数"),
    ("permanent_decayed", "永久歯", "未処置歯数"),
    ("permanent_filled", "永久歯", "処置歯数"),
    ("permanent_missing", "永久歯", "喪失歯数"),
)


def dental_lines(columns: Sequence[YearColumn], birth_date: date) -> list[DentalLine]:
    lines = []
    for c in columns:
        d = c.dental
        lines.append(
            DentalLine(
                column=c,
                age=EMPTY
                if c.fiscal_year is None
                else f"{measures.school_age(birth_date, c.fiscal_year)}歳",
                scales=[
                    scale_text(getattr(d, k), item) if d else EMPTY for k, item in DENTAL_SCALES
                ],
                grid=tooth_grid(dict(d.chart) if d else {}),
                counts=[str(getattr(d, k)) if d else EMPTY for k, _, _ in DENTAL_COUNTS],
                findings=d.dentist_findings if d else EMPTY,
                exam_day=month_day(d.exam_date) if d else EMPTY,
                follow_up=d.follow_up if d else EMPTY,
            )
        )
    return lines


# --- the whole record -------------------------------------------------------------------------


def grades_by_year(student_id: int, school_id: int) -> dict[int, int]:
    """The pupil's 学年 in each 年度 at the school (the latest placement of the year)."""
    grades: dict[int, int] = {}
    for year, grade in (
        Enrolment.objects.filter(student_id=student_id, school_id=school_id, is_provisional=False)
        .order_by("fiscal_year", "start_date", "pk")
        .values_list("fiscal_year", "grade")
    ):
        grades[year] = grade
    return grades


@dataclass
class RecordSheet:
    """健康診断票 (一般・歯・口腔) of one pupil at one school."""

    student: Student
    school: Organisation
    columns: list[YearColumn]
    rows: list[FormRow]
    dental: list[DentalLine]
    printed_on: str
    fiscal_year: int
    birth_date_label: str
    counts: tuple[tuple[str, str, str], ...] = field(default=DENTAL_COUNTS)


def record_sheet(enrolment: Enrolment, *, today: date) -> RecordSheet:
    """The pupil's 健康診断票 at the school of ``enrolment``: every 年度 there (four queries)."""
    student, school = enrolment.student, enrolment.school
    where = {"student_id": student.pk, "school_id": school.pk}
    columns = year_columns(
        GRADE_COLUMNS.get(school.school_type, 6),
        grades_by_year(student.pk, school.pk),
        HealthExam.objects.filter(**where),
        DentalExam.objects.filter(**where),
    )
    return RecordSheet(
        student=student,
        school=school,
        columns=columns,
        rows=general_rows(columns, student.birth_date),
        dental=dental_lines(columns, student.birth_date),
        printed_on=format_date(today),
        fiscal_year=enrolment.fiscal_year,
        birth_date_label=format_date(student.birth_date),
    )


# --- お知らせ ---------------------------------------------------------------------------------


@dataclass
class Letter:
    """健康診断の結果のお知らせ of one pupil for this 年度."""

    enrolment: Enrolment
    exam: HealthExam | None
    dental: DentalExam | None
    school_name: str
    sender: str
    dated: str
    year_label: str
    vision: list[tuple[str, str, str]]  # (眼, 裸眼, 矯正)
    needs_eye_doctor: bool
    follow_ups: list[str]

    @property
    def student(self) -> Student:
        return self.enrolment.student

    @property
    def class_label(self) -> str:
        school_class = self.enrolment.school_class
        base = school_class.label if school_class else f"{self.enrolment.grade}年"
        number = self.enrolment.number
        return f"{base} {number}番" if number is not None else base


def sender_of(school_name: str) -> str:
    """みなみ小学校 → みなみ小学校長 (as letters to guardians are signed)."""
    return f"{school_name}長" if school_name.endswith("学校") else school_name


def _vision_lines(exam: HealthExam | None) -> list[tuple[str, str, str]]:
    if exam is None:
        return [("右", EMPTY, EMPTY), ("左", EMPTY, EMPTY)]
    return [
        (
            label,
            vision_text(
                getattr(exam, f"vision_{side}_naked"),
                getattr(exam, f"vision_{side}_naked_category"),
            ),
            vision_text(
                getattr(exam, f"vision_{side}_corrected"),
                getattr(exam, f"vision_{side}_corrected_category"),
            ),
        )
        for label, side in (("右", "right"), ("左", "left"))
    ]


def needs_eye_doctor(exam: HealthExam | None) -> bool:
    """Is any 視力 of this year B, C or D? (The corrected one counts where measured.)"""
    if exam is None:
        return False
    for side in ("right", "left"):
        corrected = getattr(exam, f"vision_{side}_corrected_category")
        category = corrected or getattr(exam, f"vision_{side}_naked_category")
        if category in {"B", "C", "D"}:
            return True
    return False


def letter_of(
    enrolment: Enrolment,
    exam: HealthExam | None,
    dental: DentalExam | None,
    *,
    today: date,
) -> Letter:
    school_name = enrolment.school.name
    follow_ups = [
        f"{what}: {text}"
        for what, text in (
            ("一般", exam.follow_up if exam else EMPTY),
            ("歯・口腔", dental.follow_up if dental else EMPTY),
        )
        if text
    ]
    return Letter(
        enrolment=enrolment,
        exam=exam,
        dental=dental,
        school_name=school_name,
        sender=sender_of(school_name),
        dated=format_date(today),
        year_label=format_fiscal_year(enrolment.fiscal_year),
        vision=_vision_lines(exam),
        needs_eye_doctor=needs_eye_doctor(exam),
        follow_ups=follow_ups,
    )


def letters_of(enrolments: Sequence[Enrolment], *, today: date) -> list[Letter]:
    """The お知らせ of pupils of one school and 年度 (three queries for any number)."""
    if not enrolments:
        return []
    first = enrolments[0]
    ids = [e.student_id for e in enrolments]
    where = {"school_id": first.school_id, "fiscal_year": first.fiscal_year, "student_id__in": ids}
    exams = {e.student_id: e for e in HealthExam.objects.filter(**where)}
    dentals = {d.student_id: d for d in DentalExam.objects.filter(**where)}
    school = Organisation.objects.get(pk=first.school_id)
    for e in enrolments:
        e.school = school
    return [
        letter_of(e, exams.get(e.student_id), dentals.get(e.student_id), today=today)
        for e in enrolments
    ]


def letter_context(letters: Sequence[Letter]) -> dict[str, Any]:
    return {
        "letters": list(letters),
        "vision_meanings": VISION_MEANINGS,
        "eye_doctor_advice": EYE_DOCTOR_ADVICE,
    }
