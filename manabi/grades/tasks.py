"""Background tasks of grades (django-tasks), enqueued from ``transaction.on_commit``: the bulk
通知表 PDF of a class (``report_cards.batch_run``)."""

from __future__ import annotations

from django_tasks import task


@task()
def report_card_batch_task(batch_id: int) -> dict[str, object]:
    from manabi.grades.report_cards import batch_run

    batch = batch_run(batch_id=batch_id)
    return {"batch": batch.pk, "status": batch.status, "done": batch.done}
