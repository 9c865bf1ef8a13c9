"""Service records: entered one by one, imported from CSV/.xlsx (all or nothing), derived
from assignments (an approximation), and turned into the engine's input."""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from manabi.accounts.selectors import acting_for
from manabi.core.models import AuditEvent
from manabi.eligibility import services
from manabi.eligibility.demo_data import demo_service_records
from manabi.eligibility.engine import Job, LeaveKind, SchoolType, ServiceKind
from manabi.eligibility.models import CompletedTraining, StaffLeave, StaffServicePeriod
from manabi.eligibility.selectors import school_type_of, staff_record, staff_with_records
from manabi.eligibility.services import DERIVED_NOTE
from manabi.eligibility.tests.factories import StaffLeaveFactory, StaffServicePeriodFactory
from manabi.people.choices import JobTitle
from manabi.people.models import Staff
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from tests.personas import Cast

pytestmark = pytest.mark.django_db

HEADER = "職員番号,区分,種類,開始日,終了日,研修,備考\n"


def csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode("utf-8")


def counts() -> tuple[int, int, int]:
    return (
        StaffServicePeriod.objects.count(),
        StaffLeave.objects.count(),
        CompletedTraining.objects.count(),
    )


def test_add_and_delete_are_audited(cast: Cast) -> None:
    officer = acting_for(cast.account("board_officer"))
    teacher = cast.staff["teacher_a"]
    period = services.service_period_add(
        actor=officer, staff=teacher, kind="teacher", start=date(2024, 4, 1)
    )
    with pytest.raises(ValidationError, match="終了日 2024-03-31 が開始日 2024-04-01 より前です"):
        services.leave_add(
            actor=officer,
            staff=teacher,
            kind="childcare",
            start=date(2024, 4, 1),
            end=date(2024, 3, 31),
        )
    services.completed_training_add(actor=officer, staff=teacher, training="second_year", year=2025)
    with pytest.raises(ValidationError, match="既に修了済み"):
        services.completed_training_add(actor=officer, staff=teacher, training="second_year")
    services.service_record_delete(actor=officer, record=period)
    assert counts() == (0, 0, 1)
    actions = list(
        AuditEvent.objects.filter(subject_id=str(teacher.pk)).values_list("action", flat=True)
    )
    assert actions == [
        "eligibility.service_period.add",
        "eligibility.completed_training.add",
        "eligibility.service_record.delete",
    ]


def test_csv_import_writes_everything(cast: Cast) -> None:
    principal = acting_for(cast.account("principal_a"))
    outcome = services.service_records_import(
        actor=principal,
        name="records.csv",
        data=csv(
            "10000002,勤務,教諭,2018-04-01,2020-03-31,,長野県で教諭",
            "10000002,勤務,教諭,R2.4.1,,,",
            "10000002,休業,育児休業,令和3年6月1日,令和4年5月31日,,",
            "10000002,修了,,2019-02-01,,教職2年次研修,",
        ),
    )
    assert outcome.ok, outcome.errors
    assert (outcome.staff, outcome.periods, outcome.leaves, outcome.completed) == (1, 2, 1, 1)
    record = staff_record(
        staff_with_records(cast.staff["teacher_a"].pk), school_type=SchoolType.ELEMENTARY
    )
    assert record.job is Job.TEACHER
    assert [(p.kind, p.start, p.end) for p in record.service] == [
        (ServiceKind.TEACHER, date(2018, 4, 1), date(2020, 3, 31)),
        (ServiceKind.TEACHER, date(2020, 4, 1), None),
    ]
    assert [(p.kind, p.start) for p in record.leaves] == [(LeaveKind.CHILDCARE, date(2021, 6, 1))]
    assert record.completed == frozenset({"second_year"})
    assert AuditEvent.objects.filter(action="eligibility.service_records.import").count() == 1


def test_one_bad_row_writes_nothing_and_is_reported(cast: Cast) -> None:
    principal = acting_for(cast.account("principal_a"))
    StaffServicePeriodFactory(staff=cast.staff["teacher_a"], start=date(2010, 4, 1))
    before = counts()
    outcome = services.service_records_import(
        actor=principal,
        name="records.csv",
        data=csv(
            "10000002,勤務,教諭,2024-04-01,,,",
            "10000001,休業,育休,2024-06-01,2024-05-31,,",
            "10000003,勤務,教諭,2024-04-01,,,",  # teacher_b: another board's school
        ),
    )
    assert not outcome.ok
    assert [e.message for e in outcome.errors] == [
        "3行目「終了日」: 終了日 2024-05-31 が開始日 2024-06-01 より前です。",
        "4行目「職員番号」: 職員番号 10000003 の職員が見つからないか、"
        "あなたが記録を変更できる職員ではありません。",
    ]
    assert counts() == before
    assert not AuditEvent.objects.filter(action="eligibility.service_records.import").exists()


def test_import_replaces_only_the_categories_in_the_file(cast: Cast) -> None:
    officer = acting_for(cast.account("board_officer"))
    teacher = cast.staff["teacher_a"]
    StaffServicePeriodFactory(staff=teacher, start=date(2010, 4, 1))
    StaffLeaveFactory(staff=teacher)
    data = csv("10000002,勤務,教諭,2015-04-01,,,")
    for _ in range(2):  # the same file twice: the same records
        assert services.service_records_import(actor=officer, name="a.csv", data=data).ok
    assert list(teacher.service_periods.values_list("start", flat=True)) == [date(2015, 4, 1)]
    assert teacher.leaves.count() == 1


def test_xlsx_import(cast: Cast) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["職員番号", "区分", "種類", "開始日", "終了日", "研修"])
    sheet.append([10000002, "勤務", "教諭・養護教諭・保育教諭", date(2024, 4, 1), None, None])
    sheet.append([10000002, "休業", "療養休暇", "R6.10.1", "R7.1.31", None])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = services.service_records_import(
        actor=acting_for(cast.account("principal_a")), name="records.xlsx", data=buffer.getvalue()
    )
    assert outcome.ok, outcome.errors
    assert counts() == (1, 1, 0)


def test_a_file_that_is_not_a_table(cast: Cast) -> None:
    outcome = services.service_records_import(
        actor=acting_for(cast.account("principal_a")), name="x.csv", data=b"a,b\n1,2\n"
    )
    assert "見出しに" in outcome.errors[0].message


def test_service_records_from_assignments_is_an_approximation(cast: Cast) -> None:
    teacher = cast.staff["teacher_a"]
    AssignmentFactory(
        staff=teacher,
        organisation=cast.orgs["admin_m"],
        start=date(2016, 4, 1),
        end=date(2018, 3, 31),
    )
    clerk = StaffFactory(job_title=JobTitle.CLERK)
    AssignmentFactory(staff=clerk, organisation=cast.orgs["school_a"])
    done = services.service_records_from_assignments(
        actor=acting_for(cast.account("principal_a")),
        staff=[teacher, clerk, cast.staff["principal_a"]],
    )
    assert done == 1
    assert list(teacher.service_periods.values_list("kind", "start", "end", "note")) == [
        ("education_admin", date(2016, 4, 1), date(2018, 3, 31), DERIVED_NOTE),
        ("teacher", date(2020, 4, 1), None, DERIVED_NOTE),
    ]
    # People with periods already are left alone.
    assert services.service_records_from_assignments(actor=None, staff=[teacher]) == 0


def test_school_type_of_a_workplace(cast: Cast) -> None:
    assert school_type_of(cast.orgs["school_b"]) is SchoolType.JUNIOR_HIGH
    assert school_type_of(cast.orgs["admin_m"]) is SchoolType.ADMINISTRATION
    assert school_type_of(None) is SchoolType.ADMINISTRATION


def test_demo_service_records_spread(cast: Cast) -> None:
    rng = random.Random(2026)
    people = []
    for index in range(200):
        person = StaffFactory(job_title=JobTitle.TEACHER)
        AssignmentFactory(
            staff=person,
            organisation=cast.orgs["school_a"],
            start=date(1990 + index % 36, 4, 1),
        )
        people.append(person)
    made = demo_service_records(Staff.objects.filter(pk__in=[p.pk for p in people]), rng)
    assert made.staff == 200
    kinds = set(StaffServicePeriod.objects.values_list("kind", flat=True))
    assert {"teacher", "education_admin"} <= kinds
    assert {"childcare", "maternity"} <= set(StaffLeave.objects.values_list("kind", flat=True))
    assert CompletedTraining.objects.exists()
    again = demo_service_records(Staff.objects.filter(pk__in=[p.pk for p in people]), rng)
    assert again.staff == 0
