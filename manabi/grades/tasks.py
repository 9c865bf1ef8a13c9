"""Background tasks of grades (django-tasks), enqueued from ``transaction.on_commit``: the bulk
通知表 PDF of a class (``report_cards.batch_run``) and the recompute after a rule change."""

from __future__ import annotations

from django_tasks import task


@task()
def report_card_batch_task(batch_id: int) -> dict[str, object]:
    from manabi.grades.report_cards import batch_run

    batch = batch_run(batch_id=batch_id)
    return {"batch": batch.pk, "status": batch.status, "done": batch.done}


@task()
def recompute_task(lesson_ids: list[int]) -> dict[str, object]:
    """The 観点 and 評定 of a school's 授業クラス after its 評定算出ルール changed (every row
    may be rewritten: seconds for a large school, so not inside the request)."""
    from manabi.grades.services import recompute_lessons

    return {"lessons": len(lesson_ids), "written": recompute_lessons(lesson_ids)}
