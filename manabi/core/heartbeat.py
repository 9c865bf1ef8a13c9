"""A heartbeat for a background job: while the job runs, a thread writes the job row's
``updated_at`` (and its progress) every few seconds, through the thread's own database
connection, so the beat and the progress are seen even while the job's own work runs inside
one long transaction (a commit that is all or nothing).

A job whose beat has stopped (the worker died) is found by a reaper that compares
``updated_at`` with ``MANABI_JOB_STALE_MINUTES``; see ``manabi.imports.services``.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, connections, models
from django.utils import timezone

logger = logging.getLogger(__name__)


class Heartbeat:
    """``with Heartbeat(ImportJob, pk, status="committing") as beat: … beat.progress(n) …``

    Each beat updates the row only while it still has ``status`` (a job that was reaped or
    has finished is left alone). A beat that fails (SQLite is locked by the job's own write
    transaction, say) is skipped; the next one tries again.
    """

    def __init__(
        self,
        model: type[models.Model],
        pk: int,
        *,
        status: str,
        progress_field: str = "rows_done",
        interval: float | None = None,
    ) -> None:
        self.model = model
        self.pk = pk
        self.status = status
        self.progress_field = progress_field
        self.interval = settings.JOB_HEARTBEAT_SECONDS if interval is None else interval
        self.beats = 0
        self._value: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{pk}", daemon=True)

    def progress(self, value: int) -> None:
        """The progress to write with the next beat (cheap: no query)."""
        self._value = value

    def beat(self) -> bool:
        fields: dict[str, object] = {"updated_at": timezone.now()}
        if self._value is not None:
            fields[self.progress_field] = self._value
        try:
            updated = self.model._default_manager.filter(pk=self.pk, status=self.status).update(
                **fields
            )
        except DatabaseError:
            logger.info("heartbeat of %s %s skipped", self.model.__name__, self.pk)
            return False
        self.beats += 1
        return bool(updated)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self.beat()
        finally:
            connections.close_all()  # this thread's connections only

    def __enter__(self) -> Heartbeat:
        if self.interval > 0:
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
