"""Jobs whose worker died: the heartbeat, the reaper (page, API, command line), and running
a job again from its file. Nothing partial is left and nothing is registered twice."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from manabi.accounts.selectors import acting_for
from manabi.core.heartbeat import Heartbeat
from manabi.core.models import AuditEvent
from manabi.imports.models import ImportJob, ImportStatus
from manabi.imports.services import (
    ImportJobError,
    import_job_commit_request,
    import_job_rerun,
    import_jobs_reap,
)
from manabi.imports.tests.files import (
    STAFF_HEADER,
    CaptureOnCommit,
    csv_bytes,
    staff_row,
    upload,
)
from manabi.people.models import Staff
from tests.personas import Cast

GOOD = csv_bytes(STAFF_HEADER, [staff_row("20000001")])
BAD = csv_bytes(STAFF_HEADER, [staff_row("20000001", org="S99999")])


def _stall(job: ImportJob, status: str, minutes: int) -> None:
    """As if a worker had claimed the job and died ``minutes`` ago."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, updated_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.mark.django_db
def test_a_stalled_commit_is_reaped_and_can_run_again(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    board = acting_for(cast.account("board_officer"))
    job = upload(django_capture_on_commit_callbacks, board, GOOD)
    assert job.status == ImportStatus.VALIDATED
    fresh = upload(django_capture_on_commit_callbacks, board, GOOD, file_name="もう一つ.csv")
    # The worker took the commit and died 20 minutes ago; another job beat 5 minutes ago.
    _stall(job, ImportStatus.COMMITTING, 20)
    _stall(fresh, ImportStatus.VALIDATING, 5)
    staff_before = Staff.objects.count()

    client = cast.client("board_officer")
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "処理が途中で止まったため" in job.message and "何も登録していません" in job.message
    assert "もう一度確認する" in page and "処理が途中で止まったため" in page
    fresh.refresh_from_db()
    assert fresh.status == ImportStatus.VALIDATING  # still beating: kept
    assert Staff.objects.count() == staff_before and not AuditEvent.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:job_rerun", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED and job.report["counts"]["new"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        import_job_commit_request(actor=board, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert Staff.objects.count() == staff_before + 1
    # A finished job cannot be run again.
    with pytest.raises(ImportJobError, match="やり直せる状態ではありません"):
        import_job_rerun(actor=board, job=job)


@pytest.mark.django_db
def test_reaper_from_the_command_line_and_what_cannot_run_again(
    cast: Cast, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    board = acting_for(cast.account("board_officer"))
    stalled = upload(django_capture_on_commit_callbacks, board, GOOD)
    _stall(stalled, ImportStatus.VALIDATING, 16)
    out = StringIO()
    call_command("imports", "reap", stdout=out)
    assert f"1 件を中止にしました (ID: {stalled.pk})" in out.getvalue()
    out = StringIO()
    call_command("imports", "reap", stdout=out)
    assert "止まっている一括登録はありません" in out.getvalue()
    assert import_jobs_reap() == []

    # A file whose rows have errors is corrected and uploaded again, not re-run.
    bad = upload(django_capture_on_commit_callbacks, board, BAD)
    assert bad.status == ImportStatus.FAILED and bad.report["error_total"] == 1
    with pytest.raises(ImportJobError, match="直したファイル"):
        import_job_rerun(actor=board, job=bad)
    # Only people who may import the kind.
    with pytest.raises(ImportJobError, match="権限"):
        import_job_rerun(actor=acting_for(cast.account("principal_a")), job=stalled)
    stalled.refresh_from_db()
    assert stalled.status == ImportStatus.FAILED


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_writes_from_its_own_connection(cast: Cast) -> None:
    job = ImportJob.objects.create(
        kind="staff",
        file_name="職員.csv",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=cast.account("board_officer"),
        acting_role="board",
        status=ImportStatus.COMMITTING,
        rows_total=10,
    )
    long_ago = timezone.now() - timedelta(minutes=30)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=long_ago)
    with Heartbeat(ImportJob, job.pk, status=ImportStatus.COMMITTING, interval=0.05) as beat:
        beat.progress(7)
        deadline = time.monotonic() + 5
        while beat.beats == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert beat.beats >= 1
    job.refresh_from_db()
    assert job.rows_done == 7 and job.updated_at > long_ago
    assert import_jobs_reap() == []  # beating: not stale
    # A job that is no longer in the status is left alone.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTED, rows_done=10)
    assert Heartbeat(ImportJob, job.pk, status=ImportStatus.COMMITTING).beat() is False
    job.refresh_from_db()
    assert job.rows_done == 10
