"""Organisation imports: upsert by 所属コード, parents later in the file, cycles, paths."""

from __future__ import annotations

import pytest

from manabi.accounts.selectors import Acting, acting_for
from manabi.core.models import AuditEvent
from manabi.imports.models import ImportKind, ImportStatus
from manabi.imports.plans import tree_paths
from manabi.imports.tests.files import (
    ORGANISATION_HEADER,
    CaptureOnCommit,
    commit,
    csv_bytes,
    organisation_row,
    upload,
)
from manabi.orgs.models import Organisation, OrganisationKind, SchoolType
from tests.personas import Cast


def _acting(cast: Cast, name: str) -> Acting:
    return acting_for(cast.account(name))


def _run(capture: CaptureOnCommit, actor: Acting, rows: list[list[str]], *, commit_it: bool = True):  # type: ignore[no-untyped-def]
    job = upload(
        capture,
        actor,
        csv_bytes(ORGANISATION_HEADER, rows),
        kind=ImportKind.ORGANISATIONS,
        file_name="orgs.csv",
    )
    if commit_it and job.status == ImportStatus.VALIDATED:
        job = commit(capture, actor, job)
    return job


def _check_paths() -> None:
    parent_of = dict(Organisation.objects.values_list("pk", "parent_id"))
    expected = tree_paths(parent_of)
    assert dict(Organisation.objects.values_list("pk", "path")) == expected


def test_tree_paths() -> None:
    assert tree_paths({1: None, 4: 1, 17: 4, 2: None}) == {
        1: "/1/",
        4: "/1/4/",
        17: "/1/4/17/",
        2: "/2/",
    }


@pytest.mark.django_db
def test_parents_may_come_later_in_the_file(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    rows = [
        organisation_row("S10001", name="ひがし小学校", parent="M10001"),
        organisation_row("S10002", name="ひがし中学校", parent="M10001", school_type="中学校"),
        organisation_row(
            "M10001",
            kind="市町村教育委員会",
            name="ひがし市教育委員会",
            parent="P00001",
            school_type="",
            founder="",
            lg_code="012025",
        ),
    ]
    job = _run(django_capture_on_commit_callbacks, admin, rows)
    assert job.status == ImportStatus.COMMITTED, job.report
    assert job.report["counts"] == {"new": 3, "update": 0, "unchanged": 0}
    board = Organisation.objects.get(code="M10001")
    school = Organisation.objects.get(code="S10002")
    assert board.parent == cast.orgs["pref"]
    assert board.local_government_code == "012025"
    assert school.parent == board
    assert school.school_type == SchoolType.JUNIOR_HIGH
    assert school.path == f"{cast.orgs['pref'].path}{board.pk}/{school.pk}/"
    _check_paths()
    assert AuditEvent.objects.filter(action="imports.organisations.commit").count() == 1


@pytest.mark.django_db
def test_update_and_move_a_subtree(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    rows = [
        # きた町教委 moves under みなみ市教委 (with its school), and gets a phone number.
        organisation_row(
            "M00002",
            kind="市町村教育委員会",
            name="きた町教育委員会",
            parent="M00001",
            school_type="",
            founder="",
            phone="0120-000-111",
        ),
        organisation_row("S00001", name="みなみ小学校(改称)", parent=""),
    ]
    job = _run(django_capture_on_commit_callbacks, admin, rows)
    assert job.status == ImportStatus.COMMITTED, job.report
    assert job.report["counts"] == {"new": 0, "update": 2, "unchanged": 0}
    board_k = Organisation.objects.get(code="M00002")
    school_b = Organisation.objects.get(code="S00002")
    assert board_k.parent == cast.orgs["board_m"]
    assert board_k.phone == "0120-000-111"
    assert school_b.path.startswith(board_k.path)
    assert Organisation.objects.get(code="S00001").name == "みなみ小学校(改称)"
    assert Organisation.objects.get(code="S00001").parent == cast.orgs["board_m"]  # kept
    _check_paths()


@pytest.mark.django_db
def test_cycles_are_refused(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    before = list(Organisation.objects.values_list("pk", "parent_id", "path"))
    board = {"kind": "市町村教育委員会", "school_type": "", "founder": ""}
    rows = [
        organisation_row("X1", parent="X2", **board),
        organisation_row("X2", parent="X1", **board),
        # an existing board under its own school
        organisation_row("M00001", name="みなみ市教育委員会", parent="S00001", **board),
    ]
    job = _run(django_capture_on_commit_callbacks, admin, rows)
    assert job.status == ImportStatus.FAILED
    messages = {e["row"]: e["message"] for e in job.report["errors"]}
    assert "X1 → X2 → X1" in messages[2]
    assert "X2 → X1 → X2" in messages[3]
    assert "M00001 → S00001 → M00001" in messages[4]
    assert list(Organisation.objects.values_list("pk", "parent_id", "path")) == before


@pytest.mark.django_db
def test_board_only_within_its_jurisdiction(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    board = _acting(cast, "board_officer")
    rows = [
        organisation_row("S10001", parent="M00001"),  # fine
        organisation_row("S10002", parent="M00002"),  # under きた町
        organisation_row("S00002", name="きた中学校", parent="", school_type="中学校"),
        organisation_row("S10003", parent=""),  # at the top of the tree
    ]
    job = _run(django_capture_on_commit_callbacks, board, rows)
    assert job.status == ImportStatus.FAILED
    errors = {(e["row"], e["column"]) for e in job.report["errors"]}
    assert errors == {(3, "上位所属コード"), (4, "所属コード"), (5, "上位所属コード")}
    assert not Organisation.objects.filter(code__startswith="S1").exists()

    job = _run(django_capture_on_commit_callbacks, board, rows[:1])
    assert job.status == ImportStatus.COMMITTED
    assert Organisation.objects.get(code="S10001").is_within(cast.orgs["board_m"])


@pytest.mark.django_db
def test_school_rules_and_unknown_parent(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    rows = [
        organisation_row("S10001", school_type="", founder=""),
        organisation_row("S10002", parent="NOPE"),
        organisation_row(
            "S00001", kind="行政等", name="みなみ小学校", school_type="", founder=""
        ),  # a school (with 学校種) cannot become another kind
    ]
    job = _run(django_capture_on_commit_callbacks, admin, rows, commit_it=False)
    errors = {(e["row"], e["column"]) for e in job.report["errors"]}
    assert errors == {(2, "学校種"), (2, "設置者"), (3, "上位所属コード"), (4, "種別")}


@pytest.mark.django_db
def test_reimport_changes_nothing(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    admin = _acting(cast, "system_admin")
    rows = [
        organisation_row("S10001", name="ひがし小学校", kana="ひがししょうがっこう", phone="011-1"),
        organisation_row(
            "C00002", kind="研修主催者", name="分室", parent="C00001", school_type="", founder=""
        ),
    ]
    assert _run(django_capture_on_commit_callbacks, admin, rows).status == ImportStatus.COMMITTED
    before = list(Organisation.objects.order_by("pk").values())
    events = AuditEvent.objects.count()
    job = _run(django_capture_on_commit_callbacks, admin, rows)
    assert job.status == ImportStatus.COMMITTED
    assert job.report["counts"] == {"new": 0, "update": 0, "unchanged": 2}
    assert list(Organisation.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.count() == events
    assert Organisation.objects.get(code="C00002").kind == OrganisationKind.ORGANIZER_UNIT
