"""The pages of 一括登録 for every persona; refused requests change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from manabi.accounts.selectors import acting_for
from manabi.core.csvio import read_csv
from manabi.core.models import AuditEvent
from manabi.imports.models import ImportJob, ImportKind, ImportStatus
from manabi.imports.tests.files import (
    STAFF_HEADER,
    CaptureOnCommit,
    csv_bytes,
    staff_row,
    upload,
)
from manabi.people.models import Staff
from tests.personas import PERSONAS, Cast

IMPORTERS = ("system_admin", "board_officer")
OTHERS = ("principal_a", "teacher_a", "teacher_b", "organizer", "guest", "no_role")
GOOD = csv_bytes(STAFF_HEADER, [staff_row("20000001")])
BAD = csv_bytes(STAFF_HEADER, [staff_row("20000001", org="S99999")])


def _job(
    cast: Cast, capture: CaptureOnCommit, data: bytes = GOOD, who: str = "board_officer"
) -> ImportJob:
    return upload(capture, acting_for(cast.account(who)), data)


def _file(data: bytes = GOOD, name: str = "職員.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _state() -> tuple[int, int, int]:
    return ImportJob.objects.count(), AuditEvent.objects.count(), Staff.objects.count()


@pytest.mark.django_db
def test_upload_page_per_persona(cast: Cast) -> None:
    url = reverse("imports:upload")
    for persona in PERSONAS:
        response = cast.client(persona).get(url)
        if persona in IMPORTERS:
            assert response.status_code == 200, persona
            body = response.content.decode()
            assert "取り込んで確認する" in body
            assert reverse("imports:template", kwargs={"kind": "staff"}) in body
            assert "異動区分" in body
        elif persona == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403, persona


@pytest.mark.django_db
def test_upload_refused_changes_nothing(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    before = _state()
    for persona in (*OTHERS, "anonymous"):
        with django_capture_on_commit_callbacks(execute=True):
            response = cast.client(persona).post(
                reverse("imports:upload"), {"kind": "staff", "file": _file()}
            )
        assert response.status_code == (302 if persona == "anonymous" else 403), persona
    assert _state() == before


@pytest.mark.django_db
def test_upload_then_confirm_then_commit(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    client = cast.client("board_officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {"kind": "staff", "file": _file()})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", kwargs={"job_id": job.pk})
    assert job.status == ImportStatus.VALIDATED
    assert job.file_name == "職員.csv"
    assert job.uploaded_by == cast.account("board_officer")

    page = client.get(response["Location"]).content.decode()
    confirm_url = reverse("imports:job_confirm", kwargs={"job_id": job.pk})
    assert "この内容で登録する" in page and confirm_url in page
    assert "<td>1件</td>" in page  # 新規 1
    assert not Staff.objects.filter(staff_number="20000001").exists()

    confirm = client.get(confirm_url).content.decode()
    commit_url = reverse("imports:job_commit", kwargs={"job_id": job.pk})
    assert f'action="{commit_url}"' in confirm and 'method="post"' in confirm

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(commit_url)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Staff.objects.filter(staff_number="20000001").exists()
    page = client.get(reverse("imports:job", kwargs={"job_id": job.pk})).content.decode()
    assert "登録しました" in page and confirm_url not in page
    # Committed: no second commit, and the confirmation page sends back to the job.
    assert client.get(confirm_url).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(commit_url)
    assert Staff.objects.filter(staff_number="20000001").count() == 1


@pytest.mark.django_db
def test_upload_form_errors(cast: Cast) -> None:
    client = cast.client("system_admin")
    before = _state()
    response = client.post(
        reverse("imports:upload"), {"kind": "staff", "file": _file(name="staff.pdf")}
    )
    assert response.status_code == 200
    assert "CSV(.csv)か Excel(.xlsx)" in response.content.decode()
    response = client.post(reverse("imports:upload"), {"kind": "staff"})
    assert response.status_code == 200
    assert _state() == before


@pytest.mark.django_db
def test_job_pages_per_persona(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    job = _job(cast, django_capture_on_commit_callbacks, BAD)
    for name in ("job", "job_progress", "job_errors", "job_confirm"):
        url = reverse(f"imports:{name}", kwargs={"job_id": job.pk})
        for persona in PERSONAS:
            response = cast.client(persona).get(url)
            if persona in IMPORTERS:
                expected = 302 if name == "job_confirm" else 200  # failed: back to the job
            elif persona == "anonymous":
                expected = 302
            else:
                expected = 404
            assert response.status_code == expected, (name, persona)
    # Another organisation's job (here: one uploaded system-wide) does not exist for a board.
    admin_job = _job(cast, django_capture_on_commit_callbacks, who="system_admin")
    url = reverse("imports:job", kwargs={"job_id": admin_job.pk})
    assert cast.client("board_officer").get(url).status_code == 404
    assert cast.client("system_admin").get(url).status_code == 200


@pytest.mark.django_db
def test_commit_refused_changes_nothing(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    job = _job(cast, django_capture_on_commit_callbacks)
    url = reverse("imports:job_commit", kwargs={"job_id": job.pk})
    before = _state()
    for persona in (*OTHERS, "anonymous"):
        with django_capture_on_commit_callbacks(execute=True):
            response = cast.client(persona).post(url)
        assert response.status_code == (302 if persona == "anonymous" else 404), persona
        assert cast.client(persona).get(url).status_code == (302 if persona == "anonymous" else 405)
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED
    assert _state() == before


@pytest.mark.django_db
def test_failed_job_shows_the_error_table_and_offers_the_csv(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    job = _job(cast, django_capture_on_commit_callbacks, BAD)
    client = cast.client("board_officer")
    page = client.get(reverse("imports:job", kwargs={"job_id": job.pk})).content.decode()
    assert "エラー(1件)" in page
    assert '<th scope="col">行</th><th scope="col">列</th>' in page
    assert "S99999" in page
    assert reverse("imports:job_confirm", kwargs={"job_id": job.pk}) not in page

    response = client.get(reverse("imports:job_errors", kwargs={"job_id": job.pk}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    table = read_csv(data)
    assert table.header == ["行", "列", "値", "内容"]
    assert [r.values[:3] for r in table.rows] == [["2", "所属コード", "S99999"]]


@pytest.mark.django_db
def test_progress_fragment_polls_while_running_and_reloads_when_done(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    job = _job(cast, django_capture_on_commit_callbacks)
    client = cast.client("board_officer")
    url = reverse("imports:job_progress", kwargs={"job_id": job.pk})
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.VALIDATING, rows_done=5000, rows_total=20000
    )
    fragment = client.get(url, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert f'hx-get="{url}"' in body and 'hx-trigger="every 1s"' in body
    assert "5000 / 20000" in body and 'value="25"' in body
    assert "HX-Refresh" not in fragment
    page = client.get(reverse("imports:job", kwargs={"job_id": job.pk})).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "<script>" not in page  # CSP: no inline scripts

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATED)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    assert "hx-trigger" not in fragment.content.decode()


@pytest.mark.django_db
def test_template_download(cast: Cast) -> None:
    for kind in (ImportKind.STAFF, ImportKind.ORGANISATIONS):  # the roster: the school's
        url = reverse("imports:template", kwargs={"kind": kind.value})
        response = cast.client("board_officer").get(url)
        assert response.status_code == 200
        table = read_csv(b"".join(response.streaming_content))  # type: ignore[attr-defined]
        assert len(table.rows) == 1
        assert f'filename="import_{kind.value}_.csv"' in response["Content-Disposition"]
        assert "%E3%81%B2%E3%81%AA%E5%BD%A2.csv" in response["Content-Disposition"]  # ひな形
        if kind == ImportKind.STAFF:
            assert table.header == STAFF_HEADER
        assert cast.client("teacher_a").get(url).status_code == 403
        assert cast.client("anonymous").get(url).status_code == 302
    bad = reverse("imports:template", kwargs={"kind": "students"})
    assert cast.client("board_officer").get(bad).status_code == 404


@pytest.mark.django_db
def test_menu_entry_for_importers_only(cast: Cast) -> None:
    url = reverse("imports:upload")
    for persona in ("system_admin", "board_officer", "principal_a", "teacher_a"):
        body = cast.client(persona).get(reverse("core:home")).content.decode()
        assert (f'href="{url}"' in body) == (persona in IMPORTERS), persona
