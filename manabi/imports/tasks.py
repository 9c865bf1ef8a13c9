"""Background tasks of the imports app (django-tasks), enqueued from the services'
``transaction.on_commit``: the dry run (確認) and the commit (登録) of an import job."""

from __future__ import annotations

from django_tasks import task


@task()
def import_job_validate_task(job_id: int) -> dict[str, object]:
    from manabi.imports.services import import_job_validate

    job = import_job_validate(job_id=job_id)
    return {"job": job.pk, "status": job.status}


@task()
def import_job_commit_task(job_id: int) -> dict[str, object]:
    from manabi.imports.services import import_job_commit

    job = import_job_commit(job_id=job_id)
    return {"job": job.pk, "status": job.status}
