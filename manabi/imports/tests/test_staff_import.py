"""Staff imports end to end: dry run, commit, idempotence, jurisdiction, file formats."""

from __future__ import annotations

from datetime import date

import pytest

from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting, acting_for
from manabi.accounts.tests.factories import AccountFactory
from manabi.core.models import AuditEvent
from manabi.imports import services
from manabi.imports.models import ImportJob, ImportStatus
from manabi.imports.services import ImportJobError
from manabi.imports.tests.files import (
    STAFF_HEADER,
    CaptureOnCommit,
    commit,
    csv_bytes,
    generated_staff_rows,
    staff_row,
    upload,
    xlsx_bytes,
)
from manabi.people.models import Assignment, Staff
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from tests.personas import SINCE, Cast

APRIL = date(2026, 4, 1)
MARCH_31 = date(2026, 3, 31)


def _acting(cast: Cast, name: str) -> Acting:
    return acting_for(cast.account(name))


def _table_counts() -> dict[str, int]:
    return {
        "staff": Staff.objects.count(),
        "assignments": Assignment.objects.count(),
        "accounts": Account.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def _round_trip_file(cast: Cast) -> bytes:
    StaffFactory(staff_number="10000009", name="変更 花子", kana="へんこう はなこ")
    return csv_bytes(
        STAFF_HEADER,
        [
            staff_row("20000001", name="新任 一郎", kana="しんにん いちろう"),
            staff_row("10000002", "異動", org="S00002", name="", kana="", title=""),
            staff_row("10000001", "兼務", org="A00001", name="", kana="", title=""),
            staff_row("10000003", "退職", org="", effective="R8.3.31", name="", kana="", title=""),
            staff_row(
                "10000009",
                "変更なし",
                org="",
                effective="",
                name="",
                kana="",
                title="",
                alias="旧姓 花子",
                birth="",
            ),
        ],
    )


@pytest.mark.django_db
def test_round_trip_new_hire_transfer_concurrent_retirement(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    data = _round_trip_file(cast)
    before = _table_counts()

    job = upload(django_capture_on_commit_callbacks, admin, data)
    assert job.status == ImportStatus.VALIDATED, job.report
    assert job.report["counts"] == {
        "new": 1,
        "transfer": 1,
        "concurrent": 1,
        "retire": 1,
        "update": 1,
        "unchanged": 0,
    }
    assert _table_counts() == before  # the dry run wrote nothing

    job = commit(django_capture_on_commit_callbacks, admin, job)
    assert job.status == ImportStatus.COMMITTED, (job.message, job.report)
    assert job.committed_by == cast.account("system_admin")
    assert sorted(job.plan) == [
        [2, "20000001", "new"],
        [3, "10000002", "transfer"],
        [4, "10000001", "concurrent"],
        [5, "10000003", "retire"],
        [6, "10000009", "update"],
    ]

    # 新規採用: person, main assignment, account without a password, staff role.
    hire = Staff.objects.get(staff_number="20000001")
    assert hire.search_key == "新任一郎 しんにんいちろう 20000001"
    assert hire.job_title == "teacher" and hire.prefecture_funded is True
    (assignment,) = hire.assignments.all()
    assert (assignment.organisation, assignment.start, assignment.end, assignment.concurrent) == (
        cast.orgs["school_a"],
        APRIL,
        None,
        False,
    )
    account = Account.objects.get(staff=hire)
    assert account.login_id == "480002T20000001"
    assert account.is_active and not account.has_usable_password()
    (role,) = account.role_assignments.all()
    assert (role.role, role.organisation, role.valid_from, role.valid_to, role.granted_by) == (
        Role.STAFF,
        cast.orgs["school_a"],
        APRIL,
        None,
        cast.account("system_admin"),
    )

    # 異動: the old assignment and role end the day before, new ones start.
    teacher_a = cast.staff["teacher_a"]
    old, new = teacher_a.assignments.order_by("start")
    assert (old.organisation, old.end) == (cast.orgs["school_a"], MARCH_31)
    assert (new.organisation, new.start, new.end) == (cast.orgs["school_b"], APRIL, None)
    roles = list(cast.account("teacher_a").role_assignments.order_by("valid_from"))
    assert [(r.organisation, r.valid_from, r.valid_to) for r in roles] == [
        (cast.orgs["school_a"], SINCE, MARCH_31),
        (cast.orgs["school_b"], APRIL, None),
    ]

    # 兼務: a concurrent assignment beside the main one.
    principal = cast.staff["principal_a"]
    concurrent = principal.assignments.get(concurrent=True)
    assert (concurrent.organisation, concurrent.start) == (cast.orgs["admin_m"], APRIL)
    assert principal.assignments.get(concurrent=False).end is None
    assert (
        cast.account("principal_a")
        .role_assignments.filter(
            role=Role.STAFF, organisation=cast.orgs["admin_m"], valid_from=APRIL
        )
        .exists()
    )

    # 退職: assignments end, the account can no longer sign in, everything is kept.
    teacher_b = Staff.objects.get(pk=cast.staff["teacher_b"].pk)
    assert teacher_b.retired_on == MARCH_31
    assert [a.end for a in teacher_b.assignments.all()] == [MARCH_31]
    account_b = Account.objects.get(pk=cast.account("teacher_b").pk)
    assert not account_b.is_active
    assert account_b.session_generation == 1
    assert [r.valid_to for r in account_b.role_assignments.all()] == [MARCH_31]

    # 変更なし: only personal fields.
    changed = Staff.objects.get(staff_number="10000009")
    assert changed.alias_name == "旧姓 花子"
    assert "旧姓花子" in changed.search_key

    # One audit event for the whole job.
    after = _table_counts()
    assert after["audit"] == before["audit"] + 1
    event = AuditEvent.objects.latest("seq")
    assert event.action == "imports.staff.commit"
    assert event.target_id == str(job.pk)
    assert event.details["file_sha256"] == job.file_sha256
    assert event.details["counts"]["new"] == 1
    assert event.acting_role == "system_admin"


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    data = _round_trip_file(cast)
    first = commit(
        django_capture_on_commit_callbacks,
        admin,
        upload(django_capture_on_commit_callbacks, admin, data),
    )
    assert first.status == ImportStatus.COMMITTED
    staff_before = list(Staff.objects.order_by("pk").values())
    counts_before = _table_counts()

    again = upload(django_capture_on_commit_callbacks, admin, data)
    assert again.status == ImportStatus.VALIDATED, again.report
    assert again.report["counts"]["unchanged"] == 5
    again = commit(django_capture_on_commit_callbacks, admin, again)
    assert again.status == ImportStatus.COMMITTED
    assert {outcome for _, _, outcome in again.plan} == {"unchanged"}
    assert _table_counts() == counts_before
    assert list(Staff.objects.order_by("pk").values()) == staff_before


@pytest.mark.django_db
def test_ten_thousand_rows_with_one_bad_row_write_nothing(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    rows = list(generated_staff_rows(10_000))
    rows[4_321] = staff_row(rows[4_321][0], org="S99999")
    before = _table_counts()

    job = upload(django_capture_on_commit_callbacks, admin, csv_bytes(STAFF_HEADER, rows))

    assert job.status == ImportStatus.FAILED
    assert job.rows_total == job.rows_done == 10_000
    assert job.report["error_total"] == 1
    (error,) = job.report["errors"]
    assert (error["row"], error["column"], error["value"]) == (4_323, "所属コード", "S99999")
    assert "所属コード「S99999」の組織が登録されていません" in error["message"]
    assert job.report["counts"] == {}
    with pytest.raises(ImportJobError):
        services.import_job_commit_request(actor=admin, job=job)
    assert _table_counts() == before


@pytest.mark.django_db
def test_good_rows_commit_across_write_chunks(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    data = csv_bytes(STAFF_HEADER, list(generated_staff_rows(2_500)))  # WRITE_CHUNK is 2,000
    job = commit(
        django_capture_on_commit_callbacks,
        admin,
        upload(django_capture_on_commit_callbacks, admin, data),
    )
    assert job.status == ImportStatus.COMMITTED
    assert job.report["counts"]["new"] == 2_500
    assert Staff.objects.filter(staff_number__startswith="2").count() == 2_500
    assert Assignment.objects.filter(staff__staff_number__startswith="2").count() == 2_500
    assert Account.objects.filter(login_id__startswith="480002T2").count() == 2_500
    assert RoleAssignment.objects.filter(organisation=cast.orgs["school_a"]).count() == 2_500 + 3
    assert AuditEvent.objects.filter(action="imports.staff.commit").count() == 1


@pytest.mark.django_db
def test_board_imports_only_within_its_jurisdiction(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    board = _acting(cast, "board_officer")  # みなみ市: school_a, not school_b
    rows = [
        staff_row("20000001"),  # fine on its own
        staff_row("20000002", org="S00002"),  # きた中学校
        staff_row("10000003", "異動", org="S00001"),  # teacher_b works at きた中学校
        staff_row("20000003", org="P00001"),  # the prefecture board itself
    ]
    before = _table_counts()
    job = upload(django_capture_on_commit_callbacks, board, csv_bytes(STAFF_HEADER, rows))
    assert job.status == ImportStatus.FAILED
    errors = {(e["row"], e["column"]): e["message"] for e in job.report["errors"]}
    assert errors == {
        (3, "所属コード"): "3行目「所属コード」: 管轄外の所属コードです。",
        (4, "職員番号"): "4行目「職員番号」: 職員番号「10000003」の職員は管轄外です。",
        (5, "所属コード"): "5行目「所属コード」: 管轄外の所属コードです。",
    }
    assert _table_counts() == before


@pytest.mark.django_db
def test_board_can_hire_and_transfer_within_its_jurisdiction(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    board = _acting(cast, "board_officer")
    data = csv_bytes(
        STAFF_HEADER,
        [staff_row("20000001"), staff_row("10000002", "異動", org="A00001")],
    )
    job = commit(
        django_capture_on_commit_callbacks,
        board,
        upload(django_capture_on_commit_callbacks, board, data),
    )
    assert job.status == ImportStatus.COMMITTED, job.report
    assert job.acting_organisation == cast.orgs["board_m"]
    event = AuditEvent.objects.get(action="imports.staff.commit")
    assert event.acting_role == "board"


@pytest.mark.django_db
def test_rows_that_contradict_the_database_are_errors(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    AccountFactory(login_id="480002T20000005")  # someone already has that login ID
    rows = [
        staff_row("10000002", "異動", org="S00002", effective="2019-04-01"),  # before current
        staff_row("10000001"),  # already registered
        staff_row("29999999", "異動", org="S00002"),  # nobody
        staff_row("10000003", "異動", org="S00002"),  # same school
        staff_row("20000004", "兼務", org="S00002"),  # nobody
        staff_row("20000005"),  # login ID taken
    ]
    job = upload(django_capture_on_commit_callbacks, admin, csv_bytes(STAFF_HEADER, rows))
    messages = {e["row"]: (e["column"], e["message"]) for e in job.report["errors"]}
    assert messages[2][0] == "発令日" and "開始日" in messages[2][1]
    assert messages[3][0] == "職員番号" and "すでに登録されています" in messages[3][1]
    assert messages[4][0] == "職員番号" and "登録されていません" in messages[4][1]
    assert messages[5][0] == "所属コード" and "今と同じ所属" in messages[5][1]
    assert messages[6][0] == "職員番号"
    assert messages[7][0] == "職員番号" and "480002T20000005" in messages[7][1]
    assert job.report["error_total"] == 6


@pytest.mark.django_db
def test_retirement_before_the_assignment_started_is_an_error(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    person = StaffFactory(staff_number="10000010")
    AssignmentFactory(staff=person, organisation=cast.orgs["school_a"], start=APRIL)
    job = upload(
        django_capture_on_commit_callbacks,
        admin,
        csv_bytes(STAFF_HEADER, [staff_row("10000010", "退職", org="", effective="2026-03-31")]),
    )
    (error,) = job.report["errors"]
    assert error["column"] == "発令日" and "開始日" in error["message"]


@pytest.mark.django_db
def test_cp932_file(cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit) -> None:
    admin = _acting(cast, "system_admin")
    data = csv_bytes(
        STAFF_HEADER, [staff_row("20000001", name="髙橋 一郎", kana="たかはし いちろう")], "cp932"
    )
    assert data.decode("cp932")  # really CP932, not UTF-8
    job = commit(
        django_capture_on_commit_callbacks,
        admin,
        upload(django_capture_on_commit_callbacks, admin, data),
    )
    assert job.status == ImportStatus.COMMITTED
    assert job.report["encoding"] == "cp932"
    assert Staff.objects.get(staff_number="20000001").name == "髙橋 一郎"


@pytest.mark.django_db
def test_xlsx_file(cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit) -> None:
    admin = _acting(cast, "system_admin")
    row: list[object] = staff_row("20000001")
    row[4] = date(1990, 5, 1)
    row[10] = APRIL
    job = upload(
        django_capture_on_commit_callbacks,
        admin,
        xlsx_bytes(STAFF_HEADER, [row]),
        file_name="staff.xlsx",
    )
    assert job.status == ImportStatus.VALIDATED, job.report
    job = commit(django_capture_on_commit_callbacks, admin, job)
    person = Staff.objects.get(staff_number="20000001")
    assert person.birth_date == date(1990, 5, 1)
    assert person.assignments.get().start == APRIL
    assert job.report["encoding"] == "xlsx"


@pytest.mark.django_db
def test_a_job_is_committed_once(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    job = upload(
        django_capture_on_commit_callbacks, admin, csv_bytes(STAFF_HEADER, [staff_row("20000001")])
    )
    job = commit(django_capture_on_commit_callbacks, admin, job)
    assert job.status == ImportStatus.COMMITTED
    with pytest.raises(ImportJobError, match="登録できる状態ではありません"):
        services.import_job_commit_request(actor=admin, job=job)
    assert Staff.objects.filter(staff_number="20000001").count() == 1


@pytest.mark.django_db
def test_commit_checks_again_and_writes_nothing_when_the_data_changed(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    job = upload(
        django_capture_on_commit_callbacks, admin, csv_bytes(STAFF_HEADER, [staff_row("20000001")])
    )
    assert job.status == ImportStatus.VALIDATED
    StaffFactory(staff_number="20000001")  # registered by hand in the meantime
    before = _table_counts()
    job = commit(django_capture_on_commit_callbacks, admin, job)
    assert job.status == ImportStatus.FAILED
    assert "もう一度確認したところ" in job.message
    assert job.report["error_total"] == 1
    assert _table_counts() == before


@pytest.mark.django_db
def test_jobs_of_people_without_the_role_are_refused(cast: Cast) -> None:
    for name in ("principal_a", "teacher_a", "organizer", "guest", "no_role"):
        with pytest.raises(ImportJobError):
            services.import_job_create(
                actor=_acting(cast, name),
                kind="staff",  # type: ignore[arg-type]
                file_name="x.csv",
                content=b"x",
            )
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_a_principal_who_moves_leaves_both_roles_at_the_old_school(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    data = csv_bytes(STAFF_HEADER, [staff_row("10000001", "異動", org="S00002", name="")])
    job = upload(django_capture_on_commit_callbacks, admin, data)
    job = commit(django_capture_on_commit_callbacks, admin, job)
    assert job.status == ImportStatus.COMMITTED
    roles = {
        (r.role, r.organisation.code, r.valid_to)
        for r in cast.account("principal_a").role_assignments.select_related("organisation")
    }
    assert roles == {
        (Role.SCHOOL_ADMIN, "S00001", MARCH_31),
        (Role.STAFF, "S00001", MARCH_31),
        (Role.STAFF, "S00002", None),
    }
    assert Staff.objects.get(staff_number="10000001").name == "校長 一郎"  # blank: kept
