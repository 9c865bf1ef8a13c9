"""Writes of 健康診断. Every one runs in a transaction and is audited.

Callers fetch the 学級 or pupil through ``health.permissions`` first; the services check the
data and raise ``ValidationError`` with Japanese messages naming the pupil and the column. A
refused write changes nothing. Outside the school's 入力時期設定 every entry is refused.

Audit events name the pupils and the columns that changed, never the values: health data is
special-category personal data and the audit log is read more widely than the record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from manabi.accounts.selectors import Acting, signed_in_account
from manabi.classes.models import SchoolClass
from manabi.core.audit import audit_record
from manabi.health import measures, schedule, selectors, teeth
from manabi.health.models import TEXT_MAX, DentalExam, EntryPeriod, HealthExam
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment, Student

VISION_FIELDS: dict[str, measures.VisionField] = {
    "vision_right_naked": measures.VisionField.RIGHT_NAKED,
    "vision_right_corrected": measures.VisionField.RIGHT_CORRECTED,
    "vision_left_naked": measures.VisionField.LEFT_NAKED,
    "vision_left_corrected": measures.VisionField.LEFT_CORRECTED,
}
HEARING_FIELDS: dict[str, measures.HearingEar] = {
    "hearing_right": measures.HearingEar.RIGHT,
    "hearing_left": measures.HearingEar.LEFT,
}
# The findings of 健康診断票 (一般) saved by ``exam_save``: field → label.
TEXT_FIELDS: dict[str, str] = {
    "nutrition": "栄養状態",
    "spine_chest_limbs": "脊柱・胸郭・四肢",
    "eye_disease": "眼の疾病及び異常",
    "ent_disease": "耳鼻咽頭疾患",
    "skin_disease": "皮膚疾患",
    "tuberculosis": "結核",
    "heart": "心臓の疾病及び異常",
    "urine_protein": "尿 蛋白",
    "urine_sugar": "尿 糖",
    "urine_blood": "尿 潜血",
    "other_disease": "その他の疾病及び異常",
    "doctor_findings": "学校医所見",
    "follow_up": "事後措置",
}
SCALE_FIELDS: dict[str, teeth.OralItem] = {
    "occlusion": teeth.OralItem.OCCLUSION,
    "jaw_joint": teeth.OralItem.JAW_JOINT,
    "plaque": teeth.OralItem.PLAQUE,
    "gingiva": teeth.OralItem.GINGIVA,
}


_who = signed_in_account


def _today() -> date:
    return timezone.localdate()


def _pupil(student: Student) -> str:
    return f"{student.family_name} {student.given_name}さん"


def require_entry_open(school_id: int, fiscal_year: int, *, today: date | None = None) -> None:
    refusal = schedule.entry_refusal(
        selectors.entry_window(school_id, fiscal_year), today or _today()
    )
    if refusal is not None:
        raise ValidationError(refusal)


def vision_text(reading: measures.VisionReading | None) -> str:
    """The stored form of a 視力: ``1.0``, ``0.7``, ``1.2``, ``0.05`` or a letter (pure)."""
    if reading is None:
        return ""
    if reading.acuity is None:
        return reading.category.value
    value = reading.acuity
    return f"{value:.1f}" if value == value.quantize(Decimal("0.1")) else f"{value.normalize():f}"


def recompute(exam: HealthExam, student: Student) -> None:
    """肥満度 and its 判定 from 身長・体重, 性別 and 年齢 (満年齢 on 4月1日 of the 年度), and the
    視力 categories from the stored values (no save)."""
    exam.obesity_degree = None
    exam.obesity_category = ""
    exam.obesity_explanation = ""
    if exam.height_cm is not None and exam.weight_kg is not None:
        if student.sex in {s.value for s in measures.Sex}:
            result = measures.obesity_degree(
                sex=measures.Sex(student.sex),
                age=measures.school_age(student.birth_date, exam.fiscal_year),
                height_cm=exam.height_cm,
                weight_kg=exam.weight_kg,
            )
            exam.obesity_degree = result.degree
            exam.obesity_category = result.category.value if result.category else ""
            exam.obesity_explanation = result.explanation[:300]
        else:
            exam.obesity_explanation = "性別が記録されていないため肥満度を計算できません。"
    for key, vfield in VISION_FIELDS.items():
        reading = measures.parse_vision(getattr(exam, key), field=vfield)
        setattr(exam, f"{key}_category", reading.category.value if reading else "")


@dataclass(frozen=True)
class GridCell:
    """One cell of the class grid: a pupil, a column (``selectors.GRID_FIELDS``) and the text
    as typed ("" clears it)."""

    student_id: int
    field: str
    text: str


@dataclass
class GridResult:
    saved: int
    student_ids: set[int]


def _parse_cell(key: str, text: str) -> object:
    """The stored value of a grid cell; ``measures.MeasureError`` when it cannot be read."""
    if not text.strip():
        return None if key in ("height", "weight") else ""
    if key == "height":
        return measures.parse_height(text)
    if key == "weight":
        return measures.parse_weight(text)
    if key in VISION_FIELDS:
        return vision_text(measures.parse_vision(text, field=VISION_FIELDS[key]))
    finding = measures.parse_hearing(text, ear=HEARING_FIELDS[key])
    return finding.value if finding else ""


_MODEL_FIELD = {"height": "height_cm", "weight": "weight_kg"}


def grid_save(
    *,
    actor: Acting,
    school_class: SchoolClass,
    changes: Sequence[GridCell],
    exam_date: date | None = None,
    today: date | None = None,
) -> GridResult:
    """Save cells of a 学級's grid (身長・体重・視力・聴力), all or nothing: every bad cell is
    reported with its pupil and column. The pupils' 肥満度 and 視力 categories are computed."""
    account = _who(actor)
    require_entry_open(school_class.school_id, school_class.fiscal_year, today=today)
    members = {e.student_id: e.student for e in selectors.class_pupils(school_class)}
    errors: list[str] = []
    parsed: dict[int, dict[str, object]] = {}
    for n, change in enumerate(changes, start=1):
        student = members.get(change.student_id)
        label = selectors.GRID_LABELS.get(change.field)
        if student is None:
            errors.append(f"{n}件目: この学級の児童生徒ではありません。")
            continue
        if label is None:
            errors.append(f"{n}件目: 「{change.field}」は入力できる項目ではありません。")
            continue
        row = parsed.setdefault(student.pk, {})
        if change.field in row:
            errors.append(f"{_pupil(student)}の{label}: 2回入力されています。")
            continue
        try:
            row[change.field] = _parse_cell(change.field, change.text)
        except measures.MeasureError as error:
            errors.append(f"{_pupil(student)}の{label}: {error.message}")
    if errors:
        raise ValidationError(errors)
    saved = 0
    touched: dict[int, list[str]] = {}
    with transaction.atomic():
        existing = {
            e.student_id: e
            for e in HealthExam.objects.select_for_update().filter(
                school_id=school_class.school_id,
                fiscal_year=school_class.fiscal_year,
                student_id__in=list(parsed),
            )
        }
        for student_id, values in parsed.items():
            exam = existing.get(student_id)
            if exam is None:
                if all(v in (None, "") for v in values.values()):
                    continue  # an empty row of a pupil without a record stays without one
                exam = HealthExam(
                    student_id=student_id,
                    school_id=school_class.school_id,
                    fiscal_year=school_class.fiscal_year,
                )
            changed = [
                key
                for key, value in values.items()
                if getattr(exam, _MODEL_FIELD.get(key, key)) != value
            ]
            if not changed and exam.pk is not None:
                continue
            for key in changed:
                setattr(exam, _MODEL_FIELD.get(key, key), values[key])
            if exam_date is not None:
                exam.exam_date = exam_date
            recompute(exam, members[student_id])
            exam.updated_by = account
            exam.save()
            touched[student_id] = changed
            saved += len(changed)
        if touched:
            audit_record(
                actor=actor,
                action="health.grid.save",
                target=school_class,
                details={"cells": {str(k): v for k, v in sorted(touched.items())}},
            )
    return GridResult(saved=saved, student_ids=set(touched))


def _exam_row(model: type[HealthExam] | type[DentalExam], enrolment: Enrolment) -> object:
    row = (
        model.objects.select_for_update()
        .filter(
            student_id=enrolment.student_id,
            school_id=enrolment.school_id,
            fiscal_year=enrolment.fiscal_year,
        )
        .first()
    )
    if row is None:
        row = model(
            student_id=enrolment.student_id,
            school_id=enrolment.school_id,
            fiscal_year=enrolment.fiscal_year,
        )
    return row


def exam_save(
    *,
    actor: Acting,
    enrolment: Enrolment,
    values: Mapping[str, str],
    exam_date: date | None = None,
    today: date | None = None,
) -> HealthExam:
    """Save the findings of a pupil's 健康診断票 (一般) (``TEXT_FIELDS``; a field left out
    keeps its value). Each text is at most 200 characters."""
    account = _who(actor)
    require_entry_open(enrolment.school_id, enrolment.fiscal_year, today=today)
    errors: list[str] = []
    clean: dict[str, str] = {}
    for key, text in values.items():
        label = TEXT_FIELDS.get(key)
        if label is None:
            errors.append(f"「{key}」は入力できる項目ではありません。")
            continue
        text = " ".join(text.split())
        if len(text) > TEXT_MAX:
            errors.append(f"{label}は{TEXT_MAX}文字以内で入力してください (いま{len(text)}文字)。")
        clean[key] = text
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        exam = _exam_row(HealthExam, enrolment)
        assert isinstance(exam, HealthExam)
        changed = [k for k, v in clean.items() if getattr(exam, k) != v]
        if exam_date is not None and exam.exam_date != exam_date:
            exam.exam_date = exam_date
            changed.append("exam_date")
        if not changed:
            return exam  # nothing changes (a record not yet made stays unmade)
        for key in changed:
            if key != "exam_date":
                setattr(exam, key, clean[key])
        recompute(exam, enrolment.student)
        exam.updated_by = account
        exam.save()
        audit_record(
            actor=actor,
            action="health.exam.save",
            target=exam,
            subject=enrolment.student,
            details={"fields": changed},
        )
    return exam


def dental_save(
    *,
    actor: Acting,
    enrolment: Enrolment,
    quadrants: Mapping[str, str],
    scales: Mapping[str, str],
    dentist_findings: str = "",
    follow_up: str = "",
    exam_date: date | None = None,
    today: date | None = None,
) -> DentalExam:
    """Save a pupil's 健康診断票 (歯・口腔): the 歯式 typed per quadrant (``teeth.parse_chart``),
    the four 0/1/2 judgements and the findings; the counts (DMF歯数 …) are stored with it.
    Every problem is reported at once."""
    account = _who(actor)
    require_entry_open(enrolment.school_id, enrolment.fiscal_year, today=today)
    errors: list[str] = []
    chart: teeth.ToothChart | None = None
    try:
        chart = teeth.parse_chart({k: v for k, v in quadrants.items() if v.strip()})
    except teeth.ToothChartError as error:
        errors.extend(f"歯式 {p}" for p in error.problems)
    parsed_scales: dict[str, int | None] = {}
    for key, item in SCALE_FIELDS.items():
        try:
            scale = teeth.parse_scale(scales.get(key, ""), item=item)
        except ValueError as error:
            errors.append(str(error))
            continue
        parsed_scales[key] = None if scale is None else int(scale)
    texts = {"dentist_findings": dentist_findings, "follow_up": follow_up}
    labels = {"dentist_findings": "学校歯科医所見", "follow_up": "事後措置"}
    for key, text in list(texts.items()):
        texts[key] = " ".join(text.split())
        if len(texts[key]) > TEXT_MAX:
            errors.append(f"{labels[key]}は{TEXT_MAX}文字以内で入力してください。")
    if errors or chart is None:
        raise ValidationError(errors)
    counts = chart.counts()
    with transaction.atomic():
        dental = _exam_row(DentalExam, enrolment)
        assert isinstance(dental, DentalExam)
        dental.chart = chart.to_dict()
        for key, value in parsed_scales.items():
            setattr(dental, key, value)
        dental.dentist_findings = texts["dentist_findings"]
        dental.follow_up = texts["follow_up"]
        if exam_date is not None:
            dental.exam_date = exam_date
        for name in (
            "primary_present",
            "primary_decayed",
            "primary_filled",
            "permanent_present",
            "permanent_decayed",
            "permanent_filled",
            "permanent_missing",
            "observe",
            "caution_primary",
        ):
            setattr(dental, name, getattr(counts, name))
        dental.dmf = counts.dmf
        dental.updated_by = account
        dental.save()
        audit_record(
            actor=actor,
            action="health.dental.save",
            target=dental,
            subject=enrolment.student,
            details={"teeth": len(dental.chart)},
        )
    return dental


def entry_period_save(
    *,
    actor: Acting,
    school: Organisation,
    fiscal_year: int,
    opens_on: date | None,
    closes_on: date | None,
    closed: bool,
) -> EntryPeriod:
    """入力時期設定(学校) of a 年度 (created or replaced)."""
    account = _who(actor)
    window = schedule.EntryWindow(opens_on=opens_on, closes_on=closes_on, closed=closed)
    problems = schedule.check_window(window)
    for d, label in ((opens_on, "入力開始日"), (closes_on, "入力終了日")):
        if d is not None and not date(fiscal_year, 4, 1) <= d <= date(fiscal_year + 1, 3, 31):
            problems.append(
                f"{label}は{fiscal_year}年度 (4月1日〜翌年3月31日) の中にしてください。"
            )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        row, _ = EntryPeriod.objects.select_for_update().get_or_create(
            school=school, fiscal_year=fiscal_year
        )
        row.opens_on, row.closes_on, row.closed = opens_on, closes_on, closed
        row.updated_by = account
        row.save()
        audit_record(
            actor=actor,
            action="health.entry_period.save",
            target=row,
            details={
                "fiscal_year": fiscal_year,
                "opens_on": opens_on.isoformat() if opens_on else None,
                "closes_on": closes_on.isoformat() if closes_on else None,
                "closed": closed,
            },
        )
    return row
