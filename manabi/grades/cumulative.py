"""指導要録 (cumulative record, 学校教育法施行規則 第24条) — assembly, workflow and verification.

A pupil's 指導要録 of a 年度 is assembled from the year's data (:func:`record_content`):
様式1 学籍に関する記録 from the 学籍 (pupil, guardian, enrolments, the 学級 and 出席番号, the
校長 and 学級担任 of the year) and 様式2 指導に関する記録 from the grades (各教科 観点・評定 of
the year, 道徳, 外国語活動, 総合的な学習の時間, 特別活動, 行動の記録, 総合所見) and the
attendance book (出欠の記録). The content is plain JSON; its SHA-256 over the canonical form
(:func:`content_hash`) is what the lock records.

Workflow (only the principal acts; the views check ``permissions.require_principal``):
作成中 → 校長承認 (the pupil's grades are closed) → 確定 (the content and its hash are stored
and the lock's audit event names the hash; the audit chain is the time-stamp). 承認の差戻し
and ロック解除 need a reason; an unlock keeps the old hash (``RecordUnlock``).

:func:`verify_records` (``manabi grades_verify``) detects, for every locked record, a changed
snapshot, a changed hash column, and grades or 素点 changed after the lock. 学籍 and 出欠 are
not compared with the live data: they legitimately change later (an address, the 卒業 date,
an attendance correction made through the attendance book's own unlock).

Retention (施行規則 第28条): 学籍に関する記録 20 years, 指導に関する記録 5 years, from the
pupil's leaving the school (卒業・転学・退学).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from manabi.accounts.models import Account
from manabi.accounts.selectors import Acting
from manabi.attendance import selectors as attendance_selectors
from manabi.classes.models import Duty, DutyKind, SchoolClass
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.core.models import AuditEvent
from manabi.grades import rules, selectors
from manabi.grades.models import (
    YEAR_TERM,
    BehaviourItem,
    CheckGroup,
    CumulativeRecord,
    NarrativeKind,
    RecordState,
    RecordUnlock,
    Score,
)
from manabi.orgs.models import Organisation
from manabi.people.choices import JobTitle
from manabi.people.models import Staff, current_assignment_q
from manabi.students.models import (
    Enrolment,
    EnrolmentStatus,
    LessonMembership,
    Student,
)

FORMAT = "manabi-cumulative/1"
REASON_MAX = 300
GAKUSEKI_YEARS = 20  # 学籍に関する記録
GUIDANCE_YEARS = 5  # 指導に関する記録
STILL_ENROLLED = "在籍中 (卒業・転出の日から起算)"

# 各教科 of 様式2 by 学校段階 and 学年 (学習指導要領).
_ELEMENTARY_SUBJECTS: dict[int, tuple[str, ...]] = {
    1: ("国語", "算数", "生活", "音楽", "図画工作", "体育"),
    3: ("国語", "社会", "算数", "理科", "音楽", "図画工作", "体育"),
    5: ("国語", "社会", "算数", "理科", "音楽", "図画工作", "家庭", "体育", "外国語"),
}
_JUNIOR_HIGH_SUBJECTS = (
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
# The grades-owned sections of 様式2, as verify names them.
GUIDANCE_SECTIONS: dict[str, str] = {
    "subjects": "各教科の学習の記録",
    "moral": "特別の教科 道徳",
    "foreign_language_activity": "外国語活動の記録",
    "integrated": "総合的な学習の時間の記録",
    "special_activities": "特別活動の記録",
    "behaviour": "行動の記録",
    "overall": "総合所見及び指導上参考となる諸事項",
    "basis": "素点 (評定の算出のもと)",
}


# ---------------------------------------------------------------------------------------------
# Pure rules


def canonical_json(content: Mapping[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of a 指導要録's content (pure)."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def add_years(d: date, years: int) -> date:
    """``d`` moved ``years`` on (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


@dataclass(frozen=True)
class Retention:
    """保存期間 of a 指導要録: until when 学籍 and 指導 are kept (None while still enrolled)."""

    left_on: date | None
    gakuseki_until: date | None
    guidance_until: date | None

    @property
    def gakuseki_label(self) -> str:
        return _until_label(self.gakuseki_until)

    @property
    def guidance_label(self) -> str:
        return _until_label(self.guidance_until)


def _until_label(until: date | None) -> str:
    return f"{wareki.format_date(until)}まで" if until is not None else STILL_ENROLLED


def retention_of(left_on: date | None) -> Retention:
    """施行規則 第28条: 学籍 20 years and 指導 5 years from the leaving date (pure)."""
    if left_on is None:
        return Retention(None, None, None)
    return Retention(
        left_on, add_years(left_on, GAKUSEKI_YEARS), add_years(left_on, GUIDANCE_YEARS)
    )


def subjects_for(level: str, grade: int) -> tuple[str, ...]:
    """The 各教科 of 様式2 for the 学校段階 and 学年 (pure)."""
    if level == "junior_high":
        return _JUNIOR_HIGH_SUBJECTS
    band = 5 if grade >= 5 else 3 if grade >= 3 else 1
    return _ELEMENTARY_SUBJECTS[band]


def foreign_language_activity_applies(level: str, grade: int) -> bool:
    """外国語活動 is recorded for 小学校 第3・4学年 only (pure)."""
    return level == "elementary" and grade in (3, 4)


def leaving_of(enrolments: Sequence[Enrolment]) -> tuple[str, date] | None:
    """How and when the pupil left the school (卒業・転学・退学), from the latest enrolment."""
    if not enrolments:
        return None
    last = max(enrolments, key=lambda e: (e.fiscal_year, e.start_date))
    kinds: dict[str, str] = {
        EnrolmentStatus.GRADUATED: "卒業",
        EnrolmentStatus.TRANSFERRED_OUT: "転学",
        EnrolmentStatus.WITHDRAWN: "退学",
    }
    kind = kinds.get(last.status)
    if kind is None or last.end_date is None:
        return None
    return kind, last.end_date


def admission_of(enrolments: Sequence[Enrolment]) -> dict[str, Any]:
    """入学 or 転入学: the first enrolment at the school."""
    if not enrolments:
        return {"kind": "入学", "date": None, "grade": None}
    first = min(enrolments, key=lambda e: (e.fiscal_year, e.start_date))
    kind = "転入学" if first.status == EnrolmentStatus.TRANSFERRED_IN else "入学"
    return {"kind": kind, "date": first.start_date.isoformat(), "grade": first.grade}


def approval_gaps(content: Mapping[str, Any]) -> list[str]:
    """What a 指導要録 lacks before the principal can approve it (pure): a subject the pupil
    takes without all three 観点, or without 評定 where the grade has 評定."""
    guidance = content.get("guidance", {})
    rated = guidance.get("scale") != rules.Scale.NONE
    gaps: list[str] = []
    taken = [s for s in guidance.get("subjects", []) if s.get("taken")]
    if not taken:
        return ["各教科の学習の記録がありません (履修している授業クラスがありません)"]
    for subject in taken:
        missing = [vp.label() for vp in rules.VIEWPOINTS if not subject["viewpoints"].get(str(vp))]
        parts = []
        if missing:
            parts.append(f"観点 ({'・'.join(missing)})")
        if rated and subject.get("rating") is None:
            parts.append("評定")
        if parts:
            gaps.append(f"{subject['subject']}の{'と'.join(parts)}が未入力です")
    return gaps


def guidance_differences(locked: Mapping[str, Any], live: Mapping[str, Any]) -> list[str]:
    """The names of the grades-owned sections of 様式2 that differ (pure)."""
    a, b = locked.get("guidance", {}), live.get("guidance", {})
    return [label for key, label in GUIDANCE_SECTIONS.items() if a.get(key) != b.get(key)]


# ---------------------------------------------------------------------------------------------
# Assembly


def _decimal(value: Decimal | None, places: str) -> str:
    return "" if value is None else format(value.quantize(Decimal(places)), "f")


def principal_name(school_id: int, on: date) -> str:
    """The 校長 of the school on the day: staff titled 校長 with a current assignment there."""
    staff = (
        Staff.objects.filter(
            current_assignment_q(on, "assignments__"),
            assignments__organisation_id=school_id,
            job_title=JobTitle.PRINCIPAL,
        )
        .order_by("kana", "pk")
        .first()
    )
    return staff.display_name if staff is not None else ""


def _homerooms(class_ids: Iterable[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    for class_id, name, alias in (
        Duty.objects.filter(school_class_id__in=list(class_ids), kind=DutyKind.HOMEROOM)
        .order_by("staff__kana", "pk")
        .values_list("school_class_id", "staff__name", "staff__alias_name")
    ):
        names[class_id].append(alias or name)
    return names


def _attendance(school_class: SchoolClass | None) -> dict[int, dict[str, Any]]:
    if school_class is None:
        return {}
    found: dict[int, dict[str, Any]] = {}
    for pupil in attendance_selectors.class_year_totals(school_class):
        t = pupil.totals
        found[pupil.enrolment.student_id] = {
            "lesson_days": t.lesson_days,
            "leave_days": t.leave_days,
            "required_days": t.required_days,
            "absent_days": t.absent_days,
            "present_days": t.present_days,
            "remarks": "",
        }
    return found


def _scores_basis(school_id: int, fiscal_year: int, student_ids: Sequence[int]) -> dict[int, str]:
    """A fingerprint of each pupil's 素点 of the year (with the items' 満点 and 重み)."""
    rows: dict[int, list[list[Any]]] = defaultdict(list)
    for s in (
        Score.objects.filter(
            student_id__in=list(student_ids),
            item__lesson_class__school_id=school_id,
            item__lesson_class__fiscal_year=fiscal_year,
        )
        .select_related("item")
        .order_by("item_id")
    ):
        rows[s.student_id].append(
            [
                s.item_id,
                s.item.viewpoint,
                _decimal(s.item.max_score, "0.1"),
                _decimal(s.item.weight, "0.01"),
                _decimal(s.value, "0.1"),
                s.excused,
            ]
        )
    return {sid: hashlib.sha256(json.dumps(rows[sid]).encode()).hexdigest() for sid in student_ids}


def _taken(school_id: int, fiscal_year: int, student_ids: Sequence[int]) -> dict[int, set[str]]:
    taken: dict[int, set[str]] = defaultdict(set)
    for sid, subject in LessonMembership.objects.filter(
        student_id__in=list(student_ids),
        lesson_class__school_id=school_id,
        lesson_class__fiscal_year=fiscal_year,
        lesson_class__is_provisional=False,
    ).values_list("student_id", "lesson_class__subject"):
        taken[sid].add(subject)
    return taken


def _year_weight(s: selectors.SubjectYear) -> tuple[bool, int, int]:
    return (
        s.ratings.get(YEAR_TERM) is not None,
        len(s.viewpoints.get(YEAR_TERM, {})),
        s.lesson_class_id,
    )


def guidance_of(
    year: selectors.PupilYear | None, *, level: str, grade: int, scale: str, taken: set[str]
) -> dict[str, Any]:
    """様式2's grades-owned sections from a pupil's year (pure)."""
    by_subject: dict[str, selectors.SubjectYear] = {}
    for s in year.subjects if year else []:
        # A pupil who had two 授業クラス in a subject (moved group, or 習熟度別) gets the one
        # that holds the year's result: a 評定, then the most 観点, then the newer class.
        held = by_subject.get(s.subject)
        if held is None or _year_weight(s) > _year_weight(held):
            by_subject[s.subject] = s
    names = list(subjects_for(level, grade))
    names += sorted((set(by_subject) | taken) - set(names))
    subjects = []
    for name in names:
        found = by_subject.get(name)
        marks = found.viewpoints.get(YEAR_TERM, {}) if found else {}
        subjects.append(
            {
                "subject": name,
                "taken": name in taken,
                "viewpoints": {str(vp): marks.get(str(vp), "") for vp in rules.VIEWPOINTS},
                "rating": found.ratings.get(YEAR_TERM) if found else None,
            }
        )
    narratives = year.narratives if year else {}
    checks = year.checks if year else {}

    def text(kind: str) -> str:
        return narratives.get((kind, YEAR_TERM), "")

    def marks_of(group: str, items: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
        chosen = checks.get((group, YEAR_TERM), set())
        return [{"key": k, "label": label, "mark": k in chosen} for k, label in items]

    applies = foreign_language_activity_applies(level, grade)
    return {
        "scale": scale,
        "subjects": subjects,
        "moral": text(NarrativeKind.MORAL),
        "foreign_language_activity": {
            "applies": applies,
            "text": text(NarrativeKind.FOREIGN_LANGUAGE) if applies else "",
        },
        "integrated": text(NarrativeKind.INTEGRATED),
        "special_activities": marks_of(
            CheckGroup.SPECIAL_ACTIVITIES, selectors.special_activity_items(level)
        ),
        "behaviour": marks_of(CheckGroup.BEHAVIOUR, [(i.value, i.label) for i in BehaviourItem]),
        "overall": text(NarrativeKind.OVERALL),
    }


def _pupil_part(student: Student) -> dict[str, Any]:
    guardians = list(student.guardians.all())
    first = guardians[0] if guardians else None
    return {
        "code": student.code,
        "name": student.name,
        "kana": student.kana,
        "sex": student.sex,
        "sex_label": student.get_sex_display(),
        "birth_date": student.birth_date.isoformat(),
        "postal_code": student.postal_code,
        "address": student.address,
        "prior_history": student.prior_history,
        "guardian": {
            "name": f"{first.family_name} {first.given_name}" if first else "",
            "kana": f"{first.family_kana} {first.given_kana}".strip() if first else "",
            "address": first.address if first else "",
            "relation": first.relation if first else "",
        },
    }


def assemble(
    school: Organisation, fiscal_year: int, students: Sequence[Student]
) -> dict[int, dict[str, Any]]:
    """The content of several pupils' 指導要録 of a 年度 at a school (queries per 学級, not
    per pupil)."""
    ids = [s.pk for s in students]
    history: dict[int, list[Enrolment]] = defaultdict(list)
    for e in Enrolment.objects.filter(
        student_id__in=ids, school=school, is_provisional=False
    ).select_related("school_class"):
        history[e.student_id].append(e)
    guardians = Student.objects.filter(pk__in=ids).prefetch_related("guardians")
    with_guardians = {s.pk: s for s in guardians}
    years = selectors.pupil_years(school.pk, fiscal_year, ids)
    taken = _taken(school.pk, fiscal_year, ids)
    basis = _scores_basis(school.pk, fiscal_year, ids)
    placed = {
        sid: max(
            (e for e in own if e.fiscal_year == fiscal_year),
            key=lambda e: e.start_date,
            default=None,
        )
        for sid, own in history.items()
    }
    classes = {e.school_class.pk: e.school_class for e in placed.values() if e and e.school_class}
    homerooms = _homerooms(classes)
    attendance = {cid: _attendance(c) for cid, c in classes.items()}
    principal = principal_name(school.pk, min(timezone.localdate(), date(fiscal_year + 1, 3, 31)))
    result: dict[int, dict[str, Any]] = {}
    for student in students:
        enrolment = placed.get(student.pk)
        grade = enrolment.grade if enrolment else 1
        level, level_grade = selectors.school_level(school, grade)
        leaving = leaving_of(history.get(student.pk, []))
        class_id = enrolment.school_class_id if enrolment else None
        result[student.pk] = {
            "format": FORMAT,
            "fiscal_year": fiscal_year,
            "school": {
                "name": school.name,
                "code": school.school_code,
                "address": "",
                "level": level,
            },
            "gakuseki": {
                "pupil": _pupil_part(with_guardians.get(student.pk, student)),
                "admission": admission_of(history.get(student.pk, [])),
                "leaving": {"kind": leaving[0], "date": leaving[1].isoformat()}
                if leaving
                else None,
                "year": {
                    "grade": level_grade,
                    "class": enrolment.school_class.label
                    if enrolment and enrolment.school_class
                    else "",
                    "number": enrolment.number if enrolment else None,
                    "principal": principal,
                    "homerooms": homerooms.get(class_id, []) if class_id else [],
                },
            },
            "guidance": guidance_of(
                years.get(student.pk),
                level=level,
                grade=level_grade,
                scale=str(selectors.scale_of(school, grade)),
                taken=taken.get(student.pk, set()),
            )
            | {"basis": {"scores_sha256": basis[student.pk]}},
            "attendance": attendance.get(class_id, {}).get(student.pk) if class_id else None,
        }
    return result


def record_content(
    record: CumulativeRecord | None = None,
    *,
    student: Student | None = None,
    school: Organisation | None = None,
    fiscal_year: int | None = None,
) -> dict[str, Any]:
    """The content of one 指導要録 (様式1 and 様式2) as it stands in the live data, for a
    record or for (student, school, fiscal_year)."""
    if record is not None:
        student, school, fiscal_year = record.student, record.school, record.fiscal_year
    assert student is not None and school is not None and fiscal_year is not None
    return assemble(school, fiscal_year, [student])[student.pk]


def shown_content(record: CumulativeRecord) -> dict[str, Any]:
    """What a record shows: the stored original when locked, else the live assembly."""
    if record.state == RecordState.LOCKED:
        return dict(record.content)
    return record_content(record)


# ---------------------------------------------------------------------------------------------
# Reads of the class


@dataclass(frozen=True)
class ClassRow:
    enrolment: Enrolment
    record: CumulativeRecord

    @property
    def student(self) -> Student:
        return self.enrolment.student


def records_for_class(school_class: SchoolClass) -> list[ClassRow]:
    """The class's pupils of the year with their 指導要録 (draft rows made where missing)."""
    enrolments = selectors.class_pupils(school_class)
    ids = [e.student_id for e in enrolments]
    have = set(
        CumulativeRecord.objects.filter(
            school_id=school_class.school_id,
            fiscal_year=school_class.fiscal_year,
            student_id__in=ids,
        ).values_list("student_id", flat=True)
    )
    CumulativeRecord.objects.bulk_create(
        [
            CumulativeRecord(
                student_id=sid,
                school_id=school_class.school_id,
                fiscal_year=school_class.fiscal_year,
                school_class=school_class,
            )
            for sid in ids
            if sid not in have
        ],
        ignore_conflicts=True,
    )
    records = {
        r.student_id: r
        for r in CumulativeRecord.objects.filter(
            school_id=school_class.school_id,
            fiscal_year=school_class.fiscal_year,
            student_id__in=ids,
        ).select_related("student", "school", "approved_by", "locked_by")
    }
    return [ClassRow(e, records[e.student_id]) for e in enrolments]


def pupil_row(school_class: SchoolClass, student_id: int) -> ClassRow:
    """A pupil of the class that year with their 指導要録; 404 for anyone else."""
    enrolment = (
        Enrolment.objects.filter(
            school_class=school_class, student_id=student_id, is_provisional=False
        )
        .select_related("student")
        .order_by("-start_date")
        .first()
    )
    if enrolment is None:
        raise Http404
    record, _ = CumulativeRecord.objects.get_or_create(
        student_id=student_id,
        school_id=school_class.school_id,
        fiscal_year=school_class.fiscal_year,
        defaults={"school_class": school_class},
    )
    return ClassRow(enrolment, record)


def retention_for(record: CumulativeRecord) -> Retention:
    enrolments = list(
        Enrolment.objects.filter(
            student_id=record.student_id, school_id=record.school_id, is_provisional=False
        )
    )
    leaving = leaving_of(enrolments)
    return retention_of(leaving[1] if leaving else None)


# ---------------------------------------------------------------------------------------------
# Workflow


class RecordNotReady(ValidationError):
    """The record is not in the state the action needs, or lacks entries."""


def _account_of(actor: Acting) -> Account:
    if actor.account is None:
        raise ValidationError("ログインしてから操作してください。")
    return actor.account


def _name(record: CumulativeRecord) -> str:
    return f"{record.student.family_name} {record.student.given_name}"


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "理由を入力してください。"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"理由は{REASON_MAX}文字以内で入力してください。"})
    return reason


def _fresh(record: CumulativeRecord, state: str, verb: str) -> CumulativeRecord:
    row = (
        CumulativeRecord.objects.select_for_update()
        .select_related("student", "school")
        .get(pk=record.pk)
    )
    if row.state != state:
        raise RecordNotReady(
            f"{_name(row)}さんの{row.fiscal_year}年度の指導要録は"
            f"「{row.get_state_display()}」のため{verb}できません。"
        )
    return row


def _copy_back(row: CumulativeRecord, record: CumulativeRecord) -> CumulativeRecord:
    for field in (
        "state",
        "content",
        "content_sha256",
        "approved_by",
        "approved_at",
        "locked_by",
        "locked_at",
        "lock_event",
    ):
        setattr(record, field, getattr(row, field))
    return record


def _approve_row(actor: Acting, row: CumulativeRecord, content: Mapping[str, Any]) -> None:
    row.state = RecordState.APPROVED
    row.approved_by = _account_of(actor)
    row.approved_at = timezone.now()
    row.save(update_fields=["state", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="grades.record.approve",
        target=row,
        subject=row.student,
        details={"fiscal_year": row.fiscal_year, "sha256": content_hash(content)},
    )


def _lock_row(actor: Acting, row: CumulativeRecord, content: dict[str, Any]) -> None:
    digest = content_hash(content)
    row.state = RecordState.LOCKED
    row.content = content
    row.content_sha256 = digest
    row.locked_by = _account_of(actor)
    row.locked_at = timezone.now()
    row.lock_event = audit_record(
        actor=actor,
        action="grades.record.lock",
        target=row,
        subject=row.student,
        details={"fiscal_year": row.fiscal_year, "sha256": digest},
    )
    row.save(
        update_fields=[
            "state",
            "content",
            "content_sha256",
            "locked_by",
            "locked_at",
            "lock_event",
        ]
    )


def record_approve(*, actor: Acting, record: CumulativeRecord) -> CumulativeRecord:
    """校長承認: draft → approved, when every subject the pupil takes has its 観点 and 評定.
    From then on the pupil's grades of the year refuse changes."""
    _account_of(actor)
    with transaction.atomic():
        row = _fresh(record, RecordState.DRAFT, "承認")
        content = record_content(row)
        gaps = approval_gaps(content)
        if gaps:
            raise RecordNotReady([f"{_name(row)}さん: {gap}" for gap in gaps])
        _approve_row(actor, row, content)
    return _copy_back(row, record)


def record_return(*, actor: Acting, record: CumulativeRecord, reason: str) -> CumulativeRecord:
    """承認の差戻し: approved → draft (the grades can be corrected again)."""
    _account_of(actor)
    reason = _check_reason(reason)
    with transaction.atomic():
        row = _fresh(record, RecordState.APPROVED, "差し戻し")
        row.state = RecordState.DRAFT
        row.approved_by, row.approved_at = None, None
        row.save(update_fields=["state", "approved_by", "approved_at"])
        audit_record(
            actor=actor,
            action="grades.record.return",
            target=row,
            subject=row.student,
            details={"fiscal_year": row.fiscal_year, "reason": reason},
        )
    return _copy_back(row, record)


def record_lock(*, actor: Acting, record: CumulativeRecord) -> CumulativeRecord:
    """確定: approved → locked; the content and its SHA-256 are kept and the lock's audit
    event (``record.lock_event``) records the same hash."""
    _account_of(actor)
    with transaction.atomic():
        row = _fresh(record, RecordState.APPROVED, "確定")
        _lock_row(actor, row, record_content(row))
    return _copy_back(row, record)


def record_unlock(*, actor: Acting, record: CumulativeRecord, reason: str) -> CumulativeRecord:
    """ロック解除: locked → draft, with a reason; the hash it had is kept (``RecordUnlock``)."""
    account = _account_of(actor)
    reason = _check_reason(reason)
    with transaction.atomic():
        row = _fresh(record, RecordState.LOCKED, "ロック解除")
        old = row.content_sha256
        RecordUnlock.objects.create(
            record=row, reason=reason, content_sha256=old, unlocked_by=account
        )
        row.state = RecordState.DRAFT
        row.content, row.content_sha256 = {}, ""
        row.approved_by, row.approved_at = None, None
        row.locked_by, row.locked_at, row.lock_event = None, None, None
        row.save()
        audit_record(
            actor=actor,
            action="grades.record.unlock",
            target=row,
            subject=row.student,
            details={"fiscal_year": row.fiscal_year, "sha256": old, "reason": reason},
        )
    return _copy_back(row, record)


def _class_rows_locked(school_class: SchoolClass) -> list[tuple[ClassRow, CumulativeRecord]]:
    rows = records_for_class(school_class)
    fresh = {
        r.pk: r
        for r in CumulativeRecord.objects.select_for_update()
        .filter(pk__in=[row.record.pk for row in rows])
        .select_related("student", "school")
    }
    return [(row, fresh[row.record.pk]) for row in rows]


def _who_label(row: ClassRow) -> str:
    number = f"{row.enrolment.number}番 " if row.enrolment.number else ""
    return f"{number}{row.student.family_name} {row.student.given_name}"


def class_approve(*, actor: Acting, school_class: SchoolClass) -> int:
    """一括承認: approve every draft 指導要録 of the class, all or nothing. Returns how many."""
    _account_of(actor)
    with transaction.atomic():
        rows = _class_rows_locked(school_class)
        drafts = [(row, rec) for row, rec in rows if rec.state == RecordState.DRAFT]
        if not drafts:
            raise RecordNotReady(f"{school_class.label}に承認を待つ指導要録はありません。")
        first = drafts[0][1]
        contents = assemble(first.school, first.fiscal_year, [r.student for _, r in drafts])
        problems = [
            f"{_who_label(row)}: {gap}"
            for row, rec in drafts
            for gap in approval_gaps(contents[rec.student_id])
        ]
        if problems:
            raise RecordNotReady(
                [
                    f"{school_class.label}の指導要録を承認できません。次の入力が足りません。",
                    *problems,
                ]
            )
        for _, rec in drafts:
            _approve_row(actor, rec, contents[rec.student_id])
    return len(drafts)


def class_lock(*, actor: Acting, school_class: SchoolClass) -> int:
    """一括確定: lock every approved 指導要録 of the class, all or nothing (every pupil must
    be approved or already locked). Returns how many were locked."""
    _account_of(actor)
    with transaction.atomic():
        rows = _class_rows_locked(school_class)
        waiting = [_who_label(row) for row, rec in rows if rec.state == RecordState.DRAFT]
        if waiting:
            raise RecordNotReady(
                [
                    f"{school_class.label}の指導要録を確定できません。校長の承認がまだの児童生徒:",
                    *waiting,
                ]
            )
        approved = [rec for _, rec in rows if rec.state == RecordState.APPROVED]
        if not approved:
            raise RecordNotReady(f"{school_class.label}の指導要録はすべて確定済みです。")
        contents = assemble(
            approved[0].school, school_class.fiscal_year, [r.student for r in approved]
        )
        for rec in approved:
            _lock_row(actor, rec, contents[rec.student_id])
    return len(approved)


# ---------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class Problem:
    record_id: int
    student_id: int
    fiscal_year: int
    message: str


def _where(record: CumulativeRecord) -> str:
    return f"{_name(record)}さん ({record.school.name} {record.fiscal_year}年度)"


def check_stored(record: CumulativeRecord) -> list[str]:
    """The snapshot against its hash, and the hash against the lock's audit event."""
    found: list[str] = []
    if content_hash(record.content) != record.content_sha256:
        found.append("確定した内容が確定後に書き換えられています (内容のハッシュが一致しません)。")
    try:
        event = record.lock_event
    except AuditEvent.DoesNotExist:  # no database constraint: the event row may be gone
        event = None
    if event is None:
        found.append("確定の記録 (監査ログ) がありません。")
    elif (
        event.action != "grades.record.lock"
        or event.target_id != str(record.pk)
        or event.details.get("sha256") != record.content_sha256
    ):
        found.append("内容のハッシュが確定の記録 (監査ログ) と一致しません。")
    return found


def verify_records(school_id: int | None = None) -> list[Problem]:
    """Every locked 指導要録 (of one school, or all): snapshot, hash and the grades behind it."""
    locked = CumulativeRecord.objects.filter(state=RecordState.LOCKED).select_related(
        "student", "school", "lock_event"
    )
    if school_id is not None:
        locked = locked.filter(school_id=school_id)
    groups: dict[tuple[int, int], list[CumulativeRecord]] = defaultdict(list)
    for record in locked.order_by("school_id", "fiscal_year", "student_id"):
        groups[(record.school_id, record.fiscal_year)].append(record)
    problems: list[Problem] = []
    for (_, fiscal_year), records in groups.items():
        live = assemble(records[0].school, fiscal_year, [r.student for r in records])
        for record in records:
            messages = check_stored(record)
            changed = guidance_differences(record.content, live[record.student_id])
            if changed:
                messages.append(
                    f"確定後に「{'」「'.join(changed)}」のもとのデータが変更されています。"
                )
            problems += [
                Problem(record.pk, record.student_id, fiscal_year, f"{_where(record)}: {m}")
                for m in messages
            ]
    return problems


# ---------------------------------------------------------------------------------------------
# Display and print


def _wareki_iso(value: str | None) -> str:
    return wareki.format_date(date.fromisoformat(value)) if value else ""


def display_of(content: Mapping[str, Any]) -> dict[str, Any]:
    """The labels a page or PDF shows beside the content: 和暦 dates and 観点 names."""
    gakuseki = content.get("gakuseki", {})
    leaving = gakuseki.get("leaving") or {}
    return {
        "fiscal_year": wareki.format_fiscal_year(int(content.get("fiscal_year", 2000))),
        "birth_date": _wareki_iso(gakuseki.get("pupil", {}).get("birth_date")),
        "admission_date": _wareki_iso(gakuseki.get("admission", {}).get("date")),
        "leaving_date": _wareki_iso(leaving.get("date")),
        "subjects": [
            {
                "subject": s["subject"],
                "taken": s.get("taken", False),
                "marks": [
                    (vp.label(), s["viewpoints"].get(str(vp), "")) for vp in rules.VIEWPOINTS
                ],
                "rating": s.get("rating"),
            }
            for s in content.get("guidance", {}).get("subjects", [])
        ],
        "rated": content.get("guidance", {}).get("scale") != rules.Scale.NONE,
        "level_label": "中学校"
        if content.get("school", {}).get("level") == "junior_high"
        else "小学校",
    }


def _local(at: datetime | None) -> str:
    if at is None:
        return ""
    local = timezone.localtime(at)
    return f"{wareki.format_date(local.date())} {local:%H:%M}"


def print_meta(record: CumulativeRecord) -> dict[str, Any]:
    return {
        "state": record.state,
        "state_label": record.get_state_display(),
        "sha256": record.content_sha256,
        "locked_at": _local(record.locked_at),
        "approved_at": _local(record.approved_at),
    }


def pdf_context(
    content: Mapping[str, Any], meta: Mapping[str, Any], *, copy: bool
) -> dict[str, Any]:
    return {
        "content": content,
        "labels": display_of(content),
        "meta": meta,
        "title": "指導要録の写し" if copy else "指導要録",
        "copy": copy,
        "printed_on": wareki.format_date(timezone.localdate()),
    }


def render_record_pdf(content: Mapping[str, Any], meta: Mapping[str, Any], *, copy: bool) -> bytes:
    """様式1 and 様式2 on A4 (raises ``core.pdf.PdfUnavailable`` without WeasyPrint)."""
    from manabi.core.pdf import render_pdf

    return render_pdf("grades/cumulative/pdf/record.html", pdf_context(content, meta, copy=copy))


# ---------------------------------------------------------------------------------------------
# Handover (引継ぎ資料)


def handover_section(student: Student, enrolment: Enrolment) -> dict[str, Any]:
    """The latest 指導要録 at the sending school: the locked original, else the draft."""
    record = (
        CumulativeRecord.objects.filter(student=student, school_id=enrolment.school_id)
        .select_related("student", "school")
        .order_by("-fiscal_year")
        .first()
    )
    if record is None:
        content = record_content(
            student=student, school=enrolment.school, fiscal_year=enrolment.fiscal_year
        )
        meta: dict[str, Any] = {"state": RecordState.DRAFT, "state_label": "作成中"}
    else:
        content, meta = shown_content(record), print_meta(record)
    return {"content": content, "meta": meta}


def _handover_pdf(data: dict[str, Any]) -> bytes:
    return render_record_pdf(data["content"], data.get("meta", {}), copy=True)


def register_handover() -> None:
    """Add the 指導要録 (写し) to the handover package (call from ``apps.ready``)."""
    from manabi.students.handover import Section, register_section

    register_section(
        Section("cumulative_record", "指導要録の写し", handover_section, _handover_pdf)
    )
