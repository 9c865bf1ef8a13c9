"""Background tasks of the records app (django-tasks), enqueued from the services'
``transaction.on_commit``: large exports, and the dry run and commit of legacy imports."""

from __future__ import annotations

from django_tasks import task


@task()
def history_export_task(export_id: int) -> dict[str, object]:
    from manabi.records.exports import history_export_run

    export = history_export_run(export_id=export_id)
    return {"export": export.pk, "status": export.status}


@task()
def history_import_validate_task(job_id: int) -> dict[str, object]:
    from manabi.records.legacy import history_import_validate

    job = history_import_validate(job_id=job_id)
    return {"job": job.pk, "status": job.status}


@task()
def history_import_commit_task(job_id: int) -> dict[str, object]:
    from manabi.records.legacy import history_import_commit

    job = history_import_commit(job_id=job_id)
    return {"job": job.pk, "status": job.status}
