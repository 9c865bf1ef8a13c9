"""The roster import (児童生徒名簿の取込み) on the shared import job: dry run, per-row report,
all or nothing, idempotent, file formats, and who may import and see it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from manabi.accounts.selectors import Acting, acting_for
from manabi.classes.models import ClassKind, SchoolClass
from manabi.core.models import AuditEvent
from manabi.imports.models import ImportJob, ImportKind, ImportStatus
from manabi.imports.services import ImportJobError, import_job_create
from manabi.imports.tests.files import CaptureOnCommit, commit, csv_bytes, upload, xlsx_bytes
from manabi.students.models import Enrolment, Guardian, Student
from manabi.students.roster_import import COLUMNS
from tests.school_personas import SchoolCast

pytestmark = pytest.mark.django_db

HEADER = [c.name for c in COLUMNS]


def row(code: str, grade: str, klass: str, number: str = "", **cells: str) -> list[str]:
    """A row in HEADER's order; ``cells`` by column key."""
    values = {"code": code, "grade": grade, "class_name": klass, "number": number, **cells}
    return [values.get(c.key, "") for c in COLUMNS]


NEW_PUPIL = {
    "family_name": "新田",
    "given_name": "未来",
    "family_kana": "にった",
    "given_kana": "みらい",
    "sex": "女",
    "birth_date": "2018-06-01",
    "guardian_family_name": "新田",
    "guardian_given_name": "一郎",
    "guardian_relation": "父",
    "guardian_phone": "0120-111-222",
}


def _acting(sc: SchoolCast, name: str) -> Acting:
    return acting_for(sc.account(name))


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Student, Guardian, Enrolment, SchoolClass)}


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Enrolment.objects.values_list("student__code", "school_class_id", "number", "grade")
    )


def _good_file(sc: SchoolCast) -> list[list[str]]:
    a11, a21 = sc.students["A1-1"].code, sc.students["A2-1"].code
    return [
        row("N0000001", "3", "1", "1", **NEW_PUPIL),  # new pupil, new class 3年1組
        row(a11, "1", "2", "3", address="みなみ市9-9-9"),  # moves to 1年2組 and a new address
        row(a21, "1", "2", "1"),  # as recorded
    ]


def test_dry_run_then_commit_then_reimport_changes_nothing(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    sc = school_cast
    actor = _acting(sc, "system_staff_a")
    data = csv_bytes(HEADER, _good_file(sc))
    before, placed = _counts(), _snapshot()

    job = upload(django_capture_on_commit_callbacks, actor, data, kind=ImportKind.ROSTER)
    assert job.status == ImportStatus.VALIDATED, job.report
    assert job.report["counts"] == {"new": 1, "update": 1, "unchanged": 1}
    assert any("3年1組" in note for note in job.report["notes"])
    assert (_counts(), _snapshot()) == (before, placed)  # the dry run wrote nothing

    job = commit(django_capture_on_commit_callbacks, actor, job)
    assert job.status == ImportStatus.COMMITTED, (job.message, job.report)
    new = Student.objects.get(code="N0000001")
    assert (new.family_kana, new.sex, str(new.birth_date)) == ("にった", "female", "2018-06-01")
    assert new.guardians.get().phone == "0120-111-222"
    enrolment = new.enrolments.get()
    assert (enrolment.school_class.label, enrolment.number, enrolment.school_id) == (
        "3年1組",
        1,
        sc.cast.orgs["school_a"].pk,
    )
    moved = sc.students["A1-1"]
    moved.refresh_from_db()
    assert moved.address == "みなみ市9-9-9"
    assert moved.family_name == "青木"  # empty cells keep what is recorded
    assert moved.guardians.get().given_name == "保護者"
    place = Enrolment.objects.get(student=moved)
    assert (place.school_class_id, place.number) == (sc.classes["a1_2"].pk, 3)
    assert AuditEvent.objects.filter(action="imports.roster.commit").count() == 1

    after, placed = _counts(), _snapshot()
    again = upload(django_capture_on_commit_callbacks, actor, data, kind=ImportKind.ROSTER)
    assert again.report["counts"] == {"new": 0, "update": 0, "unchanged": 3}
    again = commit(django_capture_on_commit_callbacks, actor, again)
    assert again.status == ImportStatus.COMMITTED
    assert (_counts(), _snapshot()) == (after, placed)
    assert AuditEvent.objects.filter(action="imports.roster.commit").count() == 1


def test_one_bad_row_is_reported_and_nothing_is_written(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    sc = school_cast
    actor = _acting(sc, "system_staff_a")
    rows = _good_file(sc)
    rows.append(row("N0000002", "3", "1", "2", **{**NEW_PUPIL, "given_kana": "Mirai"}))
    rows.append(row("N0000003", "3", "1", "3", family_name="名無"))
    before, placed = _counts(), _snapshot()
    job = upload(
        django_capture_on_commit_callbacks,
        actor,
        csv_bytes(HEADER, rows),
        kind=ImportKind.ROSTER,
    )
    assert job.status == ImportStatus.FAILED
    errors = job.report["errors"]
    assert {(e["row"], e["column"]) for e in errors} >= {(5, "名ふりがな"), (6, "生年月日")}
    assert all(e["message"].startswith(f"{e['row']}行目") for e in errors)
    assert "全角のひらがな又はカタカナ" in next(e["message"] for e in errors if e["row"] == 5)
    assert (_counts(), _snapshot()) == (before, placed)
    with pytest.raises(ImportJobError):
        commit(django_capture_on_commit_callbacks, actor, job)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "xlsx"])
def test_file_formats(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit, encoding: str
) -> None:
    rows = _good_file(school_cast)
    if encoding == "xlsx":
        data = xlsx_bytes(HEADER, rows)
    elif encoding == "cp932":
        data = csv_bytes(HEADER, rows, encoding="cp932")
    else:
        data = csv_bytes(HEADER, rows)
        if encoding == "utf-8":
            data = data.removeprefix("\ufeff".encode())
    job = upload(
        django_capture_on_commit_callbacks,
        _acting(school_cast, "principal_a"),
        data,
        kind=ImportKind.ROSTER,
        file_name="roster.xlsx" if encoding == "xlsx" else "roster.csv",
    )
    assert job.status == ImportStatus.VALIDATED, job.report
    assert job.report["encoding"] == encoding


def _errors_of(
    sc: SchoolCast, capture: CaptureOnCommit, rows: list[list[str]]
) -> list[dict[str, Any]]:
    job = upload(
        capture, _acting(sc, "system_staff_a"), csv_bytes(HEADER, rows), kind=ImportKind.ROSTER
    )
    assert job.status == ImportStatus.FAILED
    errors: list[dict[str, Any]] = job.report["errors"]
    return errors


def test_pupils_of_another_school_move_by_transfer_not_by_import(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    sc = school_cast
    errors = _errors_of(
        sc, django_capture_on_commit_callbacks, [row(sc.students["K1-1"].code, "1", "1", "9")]
    )
    assert len(errors) == 1
    assert "きた中学校に在籍しています" in errors[0]["message"]
    assert "転出・転入の手続き" in errors[0]["message"]


def test_numbers_must_not_repeat_in_a_class(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    sc = school_cast
    rows = [
        row(sc.students["A1-2"].code, "1", "1", "5"),
        row(sc.students["A1-3"].code, "1", "1", "5"),
        # A1-1 keeps number 1 of 1年1組 (not in the file).
        row("N0000009", "1", "1", "1", **NEW_PUPIL),
    ]
    errors = _errors_of(sc, django_capture_on_commit_callbacks, rows)
    by_row = {e["row"]: e["message"] for e in errors}
    assert set(by_row) == {2, 3, 4}
    assert "1年1組の出席番号 5 が3行目と重なっています" in by_row[2]
    assert "ファイルにない在籍中の児童生徒" in by_row[4]


def test_grades_classes_and_codes_are_checked(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    sc = school_cast
    rows = [
        row("N0000010", "7", "1", "1", **NEW_PUPIL),  # 小学校 has grades 1–6
        row(sc.students["S-1"].code, "1", "ひまわり", "1", class_kind="通常の学級"),
        row("コード", "1", "1", "8", **NEW_PUPIL),
        row(sc.students["A1-2"].code, "1", "1", "2"),
        row(sc.students["A1-2"].code, "1", "1", "2"),
    ]
    errors = _errors_of(sc, django_capture_on_commit_callbacks, rows)
    messages = {e["row"]: e["message"] for e in errors}
    assert "学年は1から6です" in messages[2]
    assert "特別支援学級です" in messages[3]
    assert "半角英数字" in messages[4]
    assert "2行目" not in messages.get(5, "") and "5行目にもあります" in messages[6]


def test_a_new_special_support_class_takes_its_kind_from_the_file(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    actor = _acting(school_cast, "principal_a")
    data = csv_bytes(
        HEADER, [row("N0000011", "2", "つばさ", "1", class_kind="特別支援学級", **NEW_PUPIL)]
    )
    job = upload(django_capture_on_commit_callbacks, actor, data, kind=ImportKind.ROSTER)
    job = commit(django_capture_on_commit_callbacks, actor, job)
    assert job.status == ImportStatus.COMMITTED, job.report
    assert SchoolClass.objects.get(name="つばさ").kind == ClassKind.SPECIAL_SUPPORT


@pytest.mark.parametrize("who", ["teacher_a", "grade_head_a", "nurse_a", "board_officer"])
def test_only_record_managers_import(school_cast: SchoolCast, who: str) -> None:
    with pytest.raises(ImportJobError):
        import_job_create(
            actor=_acting(school_cast, who),
            kind=ImportKind.ROSTER,
            file_name="roster.csv",
            content=csv_bytes(HEADER, _good_file(school_cast)),
        )
    assert not ImportJob.objects.exists()


def test_the_job_pages_are_the_schools_own(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    sc = school_cast
    job = upload(
        django_capture_on_commit_callbacks,
        _acting(sc, "system_staff_a"),
        csv_bytes(HEADER, _good_file(sc)),
        kind=ImportKind.ROSTER,
        file_name="名簿_みなみ小.csv",
    )
    url = f"/imports/{job.pk}/"
    for who, status in {
        "system_staff_a": 200,
        "principal_a": 200,
        "teacher_a": 404,
        "teacher_b": 404,
        "board_officer": 404,
        "system_admin": 404,
    }.items():
        assert sc.client(who).get(url).status_code == status, who
    page = sc.client("principal_a").get(url).content.decode()
    assert "児童生徒名簿の取込み" in page and "この内容で登録する" in page
    assert "新規" in page and "3年1組" in page
    # The board's own import list does not show the school's roster jobs.
    board_page = sc.client("board_officer").get("/imports/").content.decode()
    assert url not in board_page and job.file_name not in board_page


def test_upload_page_and_template(school_cast: SchoolCast) -> None:
    sc = school_cast
    page = sc.client("system_staff_a").get("/students/import/")
    assert page.status_code == 200
    assert "児童生徒コード" in page.content.decode()
    assert sc.client("teacher_a").get("/students/import/").status_code == 403
    assert sc.client("board_officer").get("/students/import/").status_code == 404
    template = sc.client("system_staff_a").get("/imports/template/roster.csv")
    assert template.status_code == 200
    header = b"".join(template.streaming_content).decode("utf-8-sig").splitlines()[0]  # type: ignore[attr-defined]
    assert header.split(",") == HEADER
    assert sc.client("teacher_a").get("/imports/template/roster.csv").status_code == 404
    roster = sc.client("system_staff_a").get("/students/").content.decode()
    assert "名簿の取込み" in roster
    assert "名簿の取込み" not in sc.client("teacher_a").get("/students/").content.decode()


def test_upload_through_the_page(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = school_cast.client("system_staff_a")
    data = csv_bytes(HEADER, _good_file(school_cast))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/students/import/", {"file": SimpleUploadedFile("名簿.csv", data, "text/csv")}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert job.kind == ImportKind.ROSTER and job.status == ImportStatus.VALIDATED
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/imports/{job.pk}/commit/").status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED


def test_the_api_uploads_polls_and_registers(
    school_cast: SchoolCast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = school_cast.client("system_staff_a")
    rows = _good_file(school_cast)
    bad = [*rows, row("N0000002", "3", "1", "2", **{**NEW_PUPIL, "sex": "不明"})]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/roster/imports/",
            {"file": SimpleUploadedFile("名簿.csv", csv_bytes(HEADER, bad), "text/csv")},
        )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/roster/imports/{job_id}/").json()
    assert body["status"] == "failed" and body["error_total"] == 1
    assert body["row_errors"][0]["row"] == 5 and body["row_errors"][0]["column"] == "性別"
    refused = client.post(f"/api/v1/roster/imports/{job_id}/commit/")
    assert refused.status_code == 409 and refused.json()["code"] == "import_refused"
    assert not Student.objects.filter(code="N0000001").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/roster/imports/",
            {"file": SimpleUploadedFile("名簿.csv", csv_bytes(HEADER, rows), "text/csv")},
        )
    job_id = response.json()["id"]
    assert client.get(f"/api/v1/roster/imports/{job_id}/").json()["status"] == "validated"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/roster/imports/{job_id}/commit/").status_code == 202
    body = client.get(f"/api/v1/roster/imports/{job_id}/").json()
    assert body["status"] == "committed" and body["counts"]["new"] == 1
    assert Student.objects.filter(code="N0000001").exists()
    assert len(client.get("/api/v1/roster/imports/").json()) == 2


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 400),
        ({"file": "not a file"}, 400),
    ],
)
def test_the_api_refuses_bad_uploads_in_one_shape(
    school_cast: SchoolCast, data: dict[str, str], status: int
) -> None:
    response = school_cast.client("principal_a").post("/api/v1/roster/imports/", data)
    assert response.status_code == status
    assert response.json()["code"] == "invalid" and "file" in response.json()["errors"]
    assert not ImportJob.objects.exists()


def test_the_api_wants_multipart_and_hides_other_jobs(school_cast: SchoolCast) -> None:
    client = school_cast.client("principal_a")
    response = client.post("/api/v1/roster/imports/", {}, content_type="application/json")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert client.get("/api/v1/roster/imports/99999999999999999999/").status_code == 404
    wrong_suffix = client.post(
        "/api/v1/roster/imports/",
        {"file": SimpleUploadedFile("名簿.pdf", b"x", "application/pdf")},
    )
    assert wrong_suffix.status_code == 400


def test_the_schema_documents_the_roster_import_api(school_cast: SchoolCast) -> None:
    response = school_cast.client("principal_a").get("/api/schema/", {"format": "json"})
    schema = json.loads(response.content)
    upload = schema["paths"]["/api/v1/roster/imports/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"202", "400", "403", "404", "415"} <= set(upload["responses"])
    commit_op = schema["paths"]["/api/v1/roster/imports/{job_id}/commit/"]["post"]
    assert {"202", "409"} <= set(commit_op["responses"])
