"""OneRoster Japan Profile v1.2 CSV export (bulk) of the roster, for the 学習eポータル.

A zip of manifest.csv and the eight files the Japan Profile uses for rostering
(academicSessions, orgs, courses, classes, users, roles, enrollments, demographics), with the
columns in the profile's order, ``metadata.jp.*`` fields (kana names in full-width
katakana, the home class, 出席番号, 特別支援学級), MEXT grade codes (P1–P6, J1–J3, H1–H3)
and MEXT subject codes where a lesson class's subject has one.

- ``sourcedId`` values are UUID v4 in form, derived from each record's natural key (the pupil's
  児童生徒コード, the school's 所属コード …), so the same record has the same id in every
  export and a receiver can sync by them.
- ``status`` and ``dateLastModified`` are empty: this is a bulk file (the profile's rule).
- Memory stays flat: every file is written row by row into the zip from iterated queries.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.db.models import QuerySet
from django.http import FileResponse

from manabi.accounts.selectors import Acting
from manabi.classes.models import ClassKind, Duty, DutyKind, LessonClass, SchoolClass
from manabi.core.audit import audit_record
from manabi.core.csvio import content_disposition
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.people.models import Staff
from manabi.students.models import PRESENT_STATUSES, Enrolment, LessonMembership, Sex
from manabi.students.oneroster_profile import (
    ABSENT,
    GRADE_CODES,
    HEADERS,
    SUBJECT_CODES,
    grade_code,
    katakana,
    sourced_id,
    split_name,
    subject_code,
)

__all__ = [  # the profile's names, for the callers and tests of the export
    "ABSENT",
    "GRADE_CODES",
    "HEADERS",
    "SUBJECT_CODES",
    "export_audited",
    "export_oneroster",
    "export_response",
    "grade_code",
    "katakana",
    "sourced_id",
    "split_name",
    "subject_code",
]

CHUNK = 2000
SYSTEM_NAME = "manabi"

BOARD_KINDS = frozenset({OrganisationKind.PREFECTURE_BOARD, OrganisationKind.MUNICIPAL_BOARD})


@dataclass
class ExportCounts:
    """Rows written per file (the header aside)."""

    rows: dict[str, int] = field(default_factory=dict)


class _Zip:
    """Writes one CSV at a time into the zip (UTF-8, CRLF, no BOM)."""

    def __init__(self, out: IO[bytes]) -> None:
        self.archive = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        self.counts = ExportCounts()

    def write(self, name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        with self.archive.open(f"{name}.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(header)
            n = 0
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
                n += 1
            text.flush()
            text.detach()
        self.counts.rows[name] = n

    def close(self) -> None:
        self.archive.close()


@dataclass(frozen=True)
class _School:
    pk: int
    code: str
    school_type: str
    sid: str


def export_oneroster(
    out: IO[bytes], *, schools: QuerySet[Organisation], fiscal_year: int
) -> ExportCounts:
    """Write the Japan Profile zip of ``schools`` for ``fiscal_year`` into ``out``."""
    school_rows = list(schools.filter(kind=OrganisationKind.SCHOOL).order_by("code"))
    by_pk = {
        s.pk: _School(s.pk, s.code, s.school_type, sourced_id("org", s.code)) for s in school_rows
    }
    zip_out = _Zip(out)
    session = sourced_id("academicSession", fiscal_year)
    zip_out.write(
        "manifest",
        ("propertyName", "value"),
        [
            ("manifest.version", "1.0"),
            ("oneroster.version", "1.2"),
            *((f"file.{name}", "bulk") for name in sorted(HEADERS)),
            *((f"file.{name}", "absent") for name in ABSENT),
            ("source.systemName", SYSTEM_NAME),
            ("source.systemCode", SYSTEM_NAME),
        ],
    )
    zip_out.write(
        "academicSessions",
        HEADERS["academicSessions"],
        [
            (
                session,
                "",
                "",
                f"{fiscal_year}年度",
                "schoolYear",
                date(fiscal_year, 4, 1).isoformat(),
                date(fiscal_year + 1, 3, 31).isoformat(),
                "",
                str(fiscal_year),
            )
        ],
    )
    zip_out.write("orgs", HEADERS["orgs"], _orgs(school_rows))
    school_ids = list(by_pk)
    homerooms = SchoolClass.objects.filter(
        school_id__in=school_ids, fiscal_year=fiscal_year, is_provisional=False
    ).order_by("school_id", "grade", "order", "name")
    lessons = LessonClass.objects.filter(
        school_id__in=school_ids, fiscal_year=fiscal_year, is_provisional=False
    ).order_by("school_id", "grade", "subject", "name")
    zip_out.write("courses", HEADERS["courses"], _courses(by_pk, lessons, session, fiscal_year))
    zip_out.write("classes", HEADERS["classes"], _classes(by_pk, homerooms, lessons, session))
    enrolments = Enrolment.objects.filter(
        school_id__in=school_ids,
        fiscal_year=fiscal_year,
        is_provisional=False,
        status__in=PRESENT_STATUSES,
        end_date__isnull=True,
    ).order_by("school_id", "grade", "school_class_id", "number", "student_id")
    duties = (
        Duty.objects.filter(school_id__in=school_ids, fiscal_year=fiscal_year)
        .exclude(kind__in=(DutyKind.GRADE_HEAD, DutyKind.GRADE_MEMBER))
        .order_by("school_id", "staff_id", "kind", "pk")
    )
    teacher_ids = sorted(set(duties.values_list("school_id", "staff_id")))
    zip_out.write("users", HEADERS["users"], _users(by_pk, enrolments, teacher_ids, duties))
    zip_out.write("roles", HEADERS["roles"], _roles(by_pk, enrolments, teacher_ids))
    zip_out.write(
        "enrollments",
        HEADERS["enrollments"],
        _enrollments(by_pk, enrolments, duties, school_ids, fiscal_year),
    )
    zip_out.write("demographics", HEADERS["demographics"], _demographics(enrolments))
    zip_out.close()
    return zip_out.counts


def _orgs(schools: list[Organisation]) -> Iterator[tuple[object, ...]]:
    """The schools and, as ``district``, the boards above them (nearest board first)."""
    boards: dict[int, Organisation] = {}
    parent_of: dict[int, int | None] = {}
    ids = {int(part) for s in schools for part in s.path.strip("/").split("/") if part}
    for org in Organisation.objects.filter(pk__in=ids):
        parent_of[org.pk] = org.parent_id
        if org.kind in BOARD_KINDS:
            boards[org.pk] = org

    def board_of(org: Organisation) -> Organisation | None:
        current = org.parent_id
        while current is not None:
            if current in boards:
                return boards[current]
            current = parent_of.get(current)
        return None

    above = {s.pk: board_of(s) for s in schools}
    for board in sorted({b.pk: b for b in above.values() if b}.values(), key=lambda b: b.code):
        yield (
            sourced_id("org", board.code),
            "",
            "",
            board.name,
            "district",
            board.local_government_code,
            "",
        )
    for school in schools:
        parent = above[school.pk]
        yield (
            sourced_id("org", school.code),
            "",
            "",
            school.name,
            "school",
            school.school_code,
            sourced_id("org", parent.code) if parent else "",
        )


def _homeroom_course(school: _School, fiscal_year: int) -> str:
    return sourced_id("course", f"{school.code}:{fiscal_year}:homeroom")


def _lesson_course(school: _School, fiscal_year: int, subject: str) -> str:
    return sourced_id("course", f"{school.code}:{fiscal_year}:{subject}")


def _courses(
    by_pk: dict[int, _School], lessons: QuerySet[LessonClass], session: str, fiscal_year: int
) -> Iterator[tuple[object, ...]]:
    for school in by_pk.values():
        yield (
            _homeroom_course(school, fiscal_year),
            "",
            "",
            session,
            f"{fiscal_year}年度 ホームルーム",
            "",
            "",
            school.sid,
            "",
            "",
        )
    seen: set[tuple[int, str]] = set()
    for lesson in lessons.iterator(chunk_size=CHUNK):
        school = by_pk[lesson.school_id]
        if (school.pk, lesson.subject) in seen:
            continue
        seen.add((school.pk, lesson.subject))
        grade = grade_code(school.school_type, lesson.grade)
        yield (
            _lesson_course(school, fiscal_year, lesson.subject),
            "",
            "",
            session,
            f"{fiscal_year}年度 {lesson.subject}",
            "",
            "",
            school.sid,
            lesson.subject,
            subject_code(grade, lesson.subject),
        )


def _class_sid(school_class_id: int) -> str:
    return sourced_id("class", school_class_id)


def _lesson_sid(lesson_id: int) -> str:
    return sourced_id("lesson", lesson_id)


def _classes(
    by_pk: dict[int, _School],
    homerooms: QuerySet[SchoolClass],
    lessons: QuerySet[LessonClass],
    session: str,
) -> Iterator[tuple[object, ...]]:
    for c in homerooms.iterator(chunk_size=CHUNK):
        school = by_pk[c.school_id]
        yield (
            _class_sid(c.pk),
            "",
            "",
            c.label,
            grade_code(school.school_type, c.grade),
            _homeroom_course(school, c.fiscal_year),
            "",
            "homeroom",
            "",
            school.sid,
            session,
            "",
            "",
            "",
            "true" if c.kind == ClassKind.SPECIAL_SUPPORT else "false",
        )
    for lesson in lessons.iterator(chunk_size=CHUNK):
        school = by_pk[lesson.school_id]
        grade = grade_code(school.school_type, lesson.grade)
        yield (
            _lesson_sid(lesson.pk),
            "",
            "",
            lesson.name,
            grade,
            _lesson_course(school, lesson.fiscal_year, lesson.subject),
            "",
            "scheduled",
            "",
            school.sid,
            session,
            lesson.subject,
            subject_code(grade, lesson.subject),
            "",
            "false",
        )


def _student_sid(code: str) -> str:
    return sourced_id("user", f"student:{code}")


def _staff_sid(staff_number: str) -> str:
    return sourced_id("user", f"staff:{staff_number}")


def _users(
    by_pk: dict[int, _School],
    enrolments: QuerySet[Enrolment],
    teacher_ids: list[tuple[int, int]],
    duties: QuerySet[Duty],
) -> Iterator[tuple[object, ...]]:
    rows = enrolments.values_list(
        "school_id",
        "grade",
        "school_class_id",
        "student__code",
        "student__family_name",
        "student__given_name",
        "student__family_kana",
        "student__given_kana",
        "student__common_name",
    )
    for (
        school_id,
        grade,
        class_id,
        code,
        family,
        given,
        family_kana,
        given_kana,
        common,
    ) in rows.iterator(chunk_size=CHUNK):
        school = by_pk[school_id]
        preferred_family, preferred_given = split_name(common) if common else (family, given)
        yield (
            _student_sid(code),
            "",
            "",
            "true",
            code,
            "",
            given,
            family,
            "",
            code,
            "",
            "",
            "",
            "",
            grade_code(school.school_type, grade),
            "",
            sourced_id("userMaster", f"student:{code}"),
            "",
            preferred_given,
            "",
            preferred_family,
            school.sid,
            "",
            katakana(given_kana),
            katakana(family_kana),
            "",
            _class_sid(class_id) if class_id else "",
        )
    home: dict[tuple[int, int], str] = {}
    for school_id, staff_id, kind, class_id in duties.filter(
        kind__in=(DutyKind.HOMEROOM, DutyKind.ASSISTANT_HOMEROOM)
    ).values_list("school_id", "staff_id", "kind", "school_class_id"):
        if class_id is not None and (
            kind == DutyKind.HOMEROOM or (school_id, staff_id) not in home
        ):
            home[(school_id, staff_id)] = _class_sid(class_id)
    staff_ids = sorted({staff_id for _, staff_id in teacher_ids})
    first_school: dict[int, int] = {}
    for school_id, staff_id in teacher_ids:
        first_school.setdefault(staff_id, school_id)
    for start in range(0, len(staff_ids), CHUNK):
        for person in Staff.objects.filter(pk__in=staff_ids[start : start + CHUNK]).order_by("pk"):
            family, given = split_name(person.name)
            kana_family, kana_given = split_name(person.kana)
            school_id = first_school[person.pk]
            yield (
                _staff_sid(person.staff_number),
                "",
                "",
                "true",
                person.staff_number,
                "",
                given,
                family,
                "",
                person.staff_number,
                "",
                "",
                "",
                "",
                "",
                "",
                sourced_id("userMaster", f"staff:{person.staff_number}"),
                "",
                given,
                "",
                family,
                by_pk[school_id].sid,
                "",
                katakana(kana_given),
                katakana(kana_family),
                "",
                home.get((school_id, person.pk), ""),
            )


def _roles(
    by_pk: dict[int, _School],
    enrolments: QuerySet[Enrolment],
    teacher_ids: list[tuple[int, int]],
) -> Iterator[tuple[object, ...]]:
    for code, school_id in enrolments.values_list("student__code", "school_id").iterator(
        chunk_size=CHUNK
    ):
        user = _student_sid(code)
        org = by_pk[school_id].sid
        yield (
            sourced_id("role", f"{user}:{org}"),
            "",
            "",
            user,
            "primary",
            "student",
            "",
            "",
            org,
            "",
        )
    numbers = dict(
        Staff.objects.filter(pk__in={s for _, s in teacher_ids}).values_list("pk", "staff_number")
    )
    primary_done: set[int] = set()
    for school_id, staff_id in teacher_ids:
        user = _staff_sid(numbers[staff_id])
        org = by_pk[school_id].sid
        # 兼務: the first school is the primary role, the others secondary.
        role_type = "secondary" if staff_id in primary_done else "primary"
        primary_done.add(staff_id)
        yield (
            sourced_id("role", f"{user}:{org}"),
            "",
            "",
            user,
            role_type,
            "teacher",
            "",
            "",
            org,
            "",
        )


def _enrollments(
    by_pk: dict[int, _School],
    enrolments: QuerySet[Enrolment],
    duties: QuerySet[Duty],
    school_ids: list[int],
    fiscal_year: int,
) -> Iterator[tuple[object, ...]]:
    for code, school_id, class_id, number, start in (
        enrolments.filter(school_class__isnull=False)
        .values_list("student__code", "school_id", "school_class_id", "number", "start_date")
        .iterator(chunk_size=CHUNK)
    ):
        user, klass = _student_sid(code), _class_sid(class_id)
        yield (
            sourced_id("enrollment", f"{user}:{klass}"),
            "",
            "",
            klass,
            by_pk[school_id].sid,
            user,
            "student",
            "false",
            start.isoformat(),
            "",
            number or "",
            "",
        )
    present = enrolments.values("student_id")
    members = (
        LessonMembership.objects.filter(
            lesson_class__school_id__in=school_ids,
            lesson_class__fiscal_year=fiscal_year,
            student_id__in=present,
        )
        .values_list("student__code", "lesson_class__school_id", "lesson_class_id")
        .order_by("lesson_class_id", "student_id")
    )
    for code, school_id, lesson_id in members.iterator(chunk_size=CHUNK):
        user, klass = _student_sid(code), _lesson_sid(lesson_id)
        yield (
            sourced_id("enrollment", f"{user}:{klass}"),
            "",
            "",
            klass,
            by_pk[school_id].sid,
            user,
            "student",
            "false",
            "",
            "",
            "",
            "",
        )
    for staff_number, school_id, kind, class_id, lesson_id in duties.values_list(
        "staff__staff_number", "school_id", "kind", "school_class_id", "lesson_class_id"
    ).iterator(chunk_size=CHUNK):
        klass = _class_sid(class_id) if class_id else _lesson_sid(lesson_id) if lesson_id else ""
        if not klass:
            continue
        user = _staff_sid(staff_number)
        yield (
            sourced_id("enrollment", f"{user}:{klass}"),
            "",
            "",
            klass,
            by_pk[school_id].sid,
            user,
            "teacher",
            "false" if kind == DutyKind.ASSISTANT_HOMEROOM else "true",
            "",
            "",
            "",
            "",
        )


def _demographics(enrolments: QuerySet[Enrolment]) -> Iterator[tuple[object, ...]]:
    sexes = {Sex.MALE.value: "male", Sex.FEMALE.value: "female"}
    for code, birth, sex in enrolments.values_list(
        "student__code", "student__birth_date", "student__sex"
    ).iterator(chunk_size=CHUNK):
        yield (
            _student_sid(code),
            "",
            "",
            birth.isoformat(),
            sexes.get(sex, "unspecified"),
            *([""] * 11),
        )


def export_audited(
    out: IO[bytes],
    *,
    actor: Acting,
    schools: QuerySet[Organisation],
    fiscal_year: int,
    via: str,
) -> ExportCounts:
    """The export, with the audit event that says who took which schools' roster."""
    counts = export_oneroster(out, schools=schools, fiscal_year=fiscal_year)
    audit_record(
        actor=actor,
        action="students.oneroster.export",
        target=actor.organisation,
        details={
            "fiscal_year": fiscal_year,
            "schools": schools.count(),
            "rows": counts.rows,
            "via": via,
        },
    )
    return counts


def export_response(
    *, actor: Acting, schools: QuerySet[Organisation], fiscal_year: int, via: str
) -> FileResponse:
    """The zip as a download: written to a spooled temporary file (to disk past 8 MB),
    so memory stays flat whatever the size."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    export_audited(spool, actor=actor, schools=schools, fiscal_year=fiscal_year, via=via)
    spool.seek(0)
    name = f"OneRoster_{fiscal_year}年度.zip"
    response = FileResponse(spool, content_type="application/zip")
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = "no-store"
    return response
