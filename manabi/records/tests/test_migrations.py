"""The move of legacy history imports into the shared import job (records 0003–0004): the
jobs and the records' links survive the migration both ways, with data in the tables (on
PostgreSQL this is where deferred foreign-key checks and ALTER TABLE collide)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from manabi.accounts.tests.factories import AccountFactory
from manabi.imports.models import ImportJob, ImportKind, ImportStatus
from manabi.people.tests.factories import StaffFactory
from manabi.records.choices import RecordSource
from manabi.records.models import HistoryRecord
from manabi.records.tests.factories import HistoryRecordFactory

BEFORE = [("records", "0002_manual_records_imports_exports")]
AFTER = [("records", "0004_drop_history_import")]


def _migrate(target: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_legacy_imports_move_into_import_jobs_and_back() -> None:
    account = AccountFactory()
    staff = StaffFactory()
    job = ImportJob.objects.create(
        kind=ImportKind.LEGACY_HISTORY,
        file_name="asttra.csv",
        file_sha256="a" * 64,
        content=b"x",
        uploaded_by=account,
        acting_role="board",
        status=ImportStatus.COMMITTED,
        report={"counts": {"new": 1}},
    )
    other = ImportJob.objects.create(
        kind=ImportKind.STAFF,
        file_name="staff.csv",
        file_sha256="b" * 64,
        content=b"",
        uploaded_by=account,
        acting_role="board",
    )
    record = HistoryRecordFactory(
        staff=staff, source=RecordSource.IMPORT, source_ref="import:1", legacy_import=job
    )
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        [legacy] = old.get_model("records", "HistoryImport").objects.all()
        assert (legacy.file_name, legacy.status, legacy.report) == (
            "asttra.csv",
            "committed",
            {"counts": {"new": 1}},
        )
        linked = old.get_model("records", "HistoryRecord").objects.get(pk=record.pk)
        assert linked.legacy_import_id == legacy.pk
        # The jobs of the legacy kind went back into HistoryImport; the others stay.
        assert list(ImportJob.objects.values_list("pk", flat=True)) == [other.pk]
    finally:
        _migrate(AFTER)
    moved = ImportJob.objects.get(kind=ImportKind.LEGACY_HISTORY)
    assert (moved.file_name, moved.file_sha256, bytes(moved.content)) == (
        "asttra.csv",
        "a" * 64,
        b"x",
    )
    assert moved.uploaded_by_id == account.pk and moved.status == ImportStatus.COMMITTED
    assert HistoryRecord.objects.get(pk=record.pk).legacy_import_id == moved.pk
