"""Background tasks of the core app (django-tasks).

Tasks are enqueued with ``task.enqueue(...)`` from a service's ``transaction.on_commit`` and
run by ``manabi db_worker`` (database backend, the default) or at once (immediate backend,
used by the tests and selectable with ``MANABI_TASKS_BACKEND=immediate``).
"""

from __future__ import annotations

from django_tasks import task

from manabi.core.audit import audit_verify


@task()
def audit_verify_task() -> dict[str, object]:
    """Verify the audit chain in the background; the result lists the problems found."""
    checked, problems = audit_verify()
    return {
        "checked": checked,
        "problems": [{"seq": p.seq, "message": p.message} for p in problems],
    }
