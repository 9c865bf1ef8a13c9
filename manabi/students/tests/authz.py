"""Authorisation-matrix entries of the 学籍, class and transfer pages and API (see
``tests/authz_harness.py``). The cast is ``tests.school_personas``: principal_a is 校長 of
school A (a record manager), teacher_a the 学級担任 of its 1年1組 (学級担当), teacher_b the
学級担任 of school B's 1年1組. Boards and system administrators see pupils only as counts;
people who act for no school get 404.

Pupils: A1-1 is in teacher_a's class, B1-1 in school A's 2年1組, K1-1 in school B.
The transfer is a pending 転出 of A1-3 from school A to school B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from manabi.accounts.selectors import acting_for
from manabi.classes.models import Duty
from manabi.imports.models import ImportJob, ImportKind, ImportStatus
from manabi.students.models import EnrolmentStatus, Transfer
from manabi.students.rollover import rollover_prepare
from tests.authz_harness import Entry, Kwargs, roles
from tests.authz_harness import school_managers as managers
from tests.authz_harness import school_staff as staff
from tests.personas import Cast
from tests.school_personas import build_school_cast


def pupil(key: str) -> Kwargs:
    return lambda cast: {"student_id": build_school_cast(cast).students[key].pk}


def klass(key: str) -> Kwargs:
    return lambda cast: {"class_id": build_school_cast(cast).classes[key].pk}


def lesson(key: str) -> Kwargs:
    return lambda cast: {"lesson_id": build_school_cast(cast).lessons[key].pk}


def homeroom_duty(cast: Cast) -> dict[str, Any]:
    build_school_cast(cast)
    return {"duty_id": Duty.objects.get(staff=cast.staff["teacher_a"]).pk}


def roster_job(cast: Cast) -> dict[str, Any]:
    """A roster import of school A that found errors (so it cannot be registered)."""
    build_school_cast(cast)
    job = ImportJob.objects.create(
        kind=ImportKind.ROSTER,
        file_name="名簿.csv",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=cast.account("principal_a"),
        acting_role="school_admin",
        acting_organisation=cast.orgs["school_a"],
        status=ImportStatus.FAILED,
    )
    return {"job_id": job.pk}


def draft_class(cast: Cast) -> dict[str, Any]:
    """A class of school A's draft of next year (年次更新)."""
    sc = build_school_cast(cast)
    state = rollover_prepare(
        actor=acting_for(cast.account("principal_a")),
        school=cast.orgs["school_a"],
        from_year=sc.year,
    )
    return {"class_id": state.classes[0][0].pk}


def pending_transfer(cast: Cast) -> dict[str, Any]:
    """A 転出 of A1-3 from school A to school B, waiting to be accepted."""
    sc = build_school_cast(cast)
    enrolment = sc.enrolments["A1-3"]
    moved_on = date(sc.year, 9, 1)
    enrolment.status = EnrolmentStatus.TRANSFERRED_OUT
    enrolment.end_date = moved_on
    enrolment.save(update_fields=["status", "end_date"])
    transfer = Transfer.objects.create(
        student=enrolment.student,
        from_enrolment=enrolment,
        from_school_id=enrolment.school_id,
        to_school=cast.orgs["school_b"],
        moved_on=moved_on,
        reason="転居",
        package={"sections": {"gakuseki": {"code": enrolment.student.code}}},
        recorded_by=cast.account("principal_a"),
    )
    return {"transfer_id": transfer.pk}


def class_query(cast: Cast) -> str:
    sc = build_school_cast(cast)
    return f"?function=roster.students&action=view&class={sc.classes['a1_1'].pk}"


ENTRIES: dict[str, list[Entry]] = {
    # 児童生徒名簿: boards and system administrators are sent to the counts.
    "students:roster": [
        Entry(
            "get",
            staff(200, system_admin=302, board_officer=302),
            school=True,
            writes_when_allowed=True,
        )
    ],
    "students:counts": [
        Entry(
            "get",
            roles(403, system_admin=200, board_officer=200),
            school=True,
            writes_when_allowed=True,
        )
    ],
    "students:roster_xlsx": [Entry("get", staff(200), school=True, writes_when_allowed=True)],
    "students:roster_pdf": [Entry("get", staff(200), school=True, writes_when_allowed=True)],
    # 名簿の取込み: record managers with the whole school in reach. An empty upload re-renders.
    "students:roster_import": [
        Entry("get", managers(200), school=True),
        Entry("post", managers(200), school=True),
    ],
    # OneRoster: a school's record managers (their school), system administrators (all).
    "students:oneroster": [
        Entry(
            "get",
            roles(403, principal_a=200, system_admin=200),
            school=True,
            writes_when_allowed=True,
        )
    ],
    # 年次更新: the school's record managers. POST makes the draft (then back to the page).
    "students:rollover": [
        Entry("get", managers(200), school=True),
        Entry("post", managers(302), school=True, writes_when_allowed=True),
    ],
    "students:rollover_class": [
        Entry("get", managers(200), draft_class, True, school=True),
        # No pupil chosen: not found.
        Entry("post", managers(404), draft_class, school=True),
    ],
    # No draft yet: back to the overview (GET), refused with a message (POST).
    "students:rollover_apply": [
        Entry("get", managers(302), school=True),
        Entry("post", managers(302), school=True),
    ],
    # An empty form: errors shown, nothing written.
    "students:create": [
        Entry("get", managers(200), school=True),
        Entry("post", managers(200), school=True),
    ],
    "students:detail": [
        Entry("get", staff(404, principal_a=200, teacher_a=200), pupil("A1-1"), True, school=True),
        Entry("get", staff(404, principal_a=200), pupil("B1-1"), True, school=True),
        Entry("get", staff(404, teacher_b=200), pupil("K1-1"), True, school=True),
    ],
    "students:edit": [
        Entry("get", managers(200, teacher_b=404), pupil("A1-1"), school=True),
        Entry("post", managers(200, teacher_b=404), pupil("A1-1"), school=True),
        Entry("get", staff(404, principal_a=200), pupil("B1-1"), school=True),
    ],
    "students:place": [
        Entry("get", managers(200, teacher_b=404), pupil("A1-1"), school=True),
        Entry("post", managers(200, teacher_b=404), pupil("A1-1"), school=True),
    ],
    "students:transfer_out": [
        Entry("get", managers(200, teacher_b=404), pupil("A1-1"), school=True),
        Entry("post", managers(200, teacher_b=404), pupil("A1-1"), school=True),
    ],
    "students:transfers": [Entry("get", managers(200), school=True)],
    "students:package_import": [
        Entry("get", managers(200), school=True),
        Entry("post", managers(200), school=True),
    ],
    # The sending school's staff see the transfer; school B's teacher is no record manager.
    "students:transfer_detail": [
        Entry("get", managers(200), pending_transfer, True, school=True),
    ],
    # Only the receiving school accepts; principal_a is on the sending side.
    "students:transfer_accept": [
        Entry("get", roles(405), pending_transfer, school=True),
        Entry("post", managers(403), pending_transfer, school=True),
    ],
    "students:transfer_cancel": [
        Entry("get", managers(200), pending_transfer, school=True),
        Entry("post", managers(302), pending_transfer, True, school=True),
    ],
    "students:transfer_package": [
        Entry("get", managers(200), pending_transfer, True, school=True),
    ],
    # 学級・授業クラス.
    "classes:list": [Entry("get", staff(200), school=True)],
    "classes:create": [
        Entry("get", managers(200), school=True),
        Entry("post", managers(200), school=True),
    ],
    "classes:detail": [
        Entry("get", staff(404, principal_a=200, teacher_a=200), klass("a1_1"), True, school=True),
        Entry("get", staff(404, principal_a=200), klass("a2_1"), True, school=True),
    ],
    # An empty form: back to the class with a message, nothing written.
    "classes:duty_assign": [
        Entry("get", roles(405), klass("a1_1"), school=True),
        Entry("post", managers(302, teacher_b=404), klass("a1_1"), school=True),
    ],
    "classes:grade_duty_assign": [Entry("post", managers(302), school=True)],
    "classes:duty_remove": [
        Entry("get", managers(200, teacher_b=404), homeroom_duty, school=True),
        Entry("post", managers(302, teacher_b=404), homeroom_duty, True, school=True),
    ],
    "classes:lesson_create": [
        Entry("get", managers(200), school=True),
        Entry("post", managers(200), school=True),
    ],
    # teacher_a does not teach the music class: it is outside her scope.
    "classes:lesson_detail": [
        Entry("get", staff(404, principal_a=200), lesson("music"), True, school=True),
    ],
    "classes:lesson_duty_assign": [
        Entry("post", staff(404, principal_a=302), lesson("music"), school=True),
    ],
    "classes:lesson_members": [
        Entry("get", staff(404, principal_a=200), lesson("music"), school=True),
        Entry("post", staff(404, principal_a=200), lesson("music"), school=True),
    ],
    # API: the same rules; anonymous callers get 401.
    "api:student_list": [
        Entry("get", staff(200, anonymous=401), school=True, writes_when_allowed=True)
    ],
    # An empty body: 400 for the record manager, nothing written.
    "api:student_transfer": [
        Entry("post", managers(400, anonymous=401, teacher_b=404), pupil("A1-1"), school=True),
    ],
    "api:class_list": [Entry("get", staff(200, anonymous=401), school=True)],
    "api:class_students": [
        Entry(
            "get",
            staff(404, anonymous=401, principal_a=200, teacher_a=200),
            klass("a1_1"),
            True,
            school=True,
        ),
    ],
    # 名簿の取込み: an empty upload is a 400 for the record manager; a failed job is a 409.
    "api:roster_imports": [
        Entry("get", managers(200, anonymous=401), school=True),
        Entry("post", managers(400, anonymous=401), school=True),
    ],
    "api:roster_import": [
        Entry("get", staff(404, anonymous=401, principal_a=200), roster_job, school=True),
    ],
    "api:roster_import_commit": [
        Entry("post", staff(404, anonymous=401, principal_a=409), roster_job, school=True),
    ],
    # Not failed: 409.
    "api:roster_import_rerun": [
        Entry("post", staff(404, anonymous=401, principal_a=409), roster_job, school=True),
    ],
    "api:oneroster": [
        Entry(
            "get",
            roles(403, anonymous=401, principal_a=200, system_admin=200),
            school=True,
            writes_when_allowed=True,
        )
    ],
    "api:transfer_list": [Entry("get", managers(200, anonymous=401), school=True)],
    "api:transfer_accept": [
        Entry("post", managers(403, anonymous=401), pending_transfer, school=True),
    ],
    # A class of school A: its staff get a decision (allowed or not); others 404.
    "api:permission_check": [
        Entry(
            "get",
            staff(404, anonymous=401, principal_a=200, teacher_a=200),
            query=class_query,
            school=True,
        ),
    ],
}
