"""Background tasks of the records app (django-tasks), enqueued from the services'
``transaction.on_commit``: large exports (legacy imports run as
jobs of the shared import machinery, :mod:`manabi.imports.tasks`)."""

from __future__ import annotations

from django_tasks import task


@task()
def history_export_task(export_id: int) -> dict[str, object]:
    from manabi.records.exports import history_export_run

    export = history_export_run(export_id=export_id)
    return {"export": export.pk, "status": export.status}
