"""Objects the authorisation matrix (tests/test_authz_matrix.py) needs for the URLs of the
records, indicators and dialogue apps. Each function takes the persona cast and returns the
URL arguments."""

from __future__ import annotations

from datetime import date
from typing import Any

from manabi.accounts.selectors import acting_for
from manabi.dialogue import services as dialogue_services
from manabi.imports.models import ImportJob, ImportKind
from manabi.indicators.tests.factories import framework_with_items
from manabi.records.models import HistoryExport
from manabi.records.tests.factories import HistoryRecordFactory
from manabi.records.tests.helpers import submit
from tests.personas import Cast


def submitted_record(cast: Cast) -> dict[str, Any]:
    """teacher_a's own 自主研修, waiting for the principal's confirmation."""
    return {"record_id": submit(cast).pk}


def record_without_evidence(cast: Cast) -> dict[str, Any]:
    return {"record_id": HistoryRecordFactory(staff=cast.staff["teacher_a"]).pk}


def board_export(cast: Cast) -> dict[str, Any]:
    """An export the board officer asked for, not made yet."""
    export = HistoryExport.objects.create(
        requested_by=cast.account("board_officer"),
        acting_role="board",
        acting_organisation=cast.orgs["board_m"],
        format="csv",
        encoding="cp932",
        file_name="研修受講履歴.csv",
    )
    return {"export_id": export.pk}


def board_history_import(cast: Cast) -> dict[str, Any]:
    """A legacy import (a job of the shared import machinery) uploaded by the board officer,
    not yet checked."""
    job = ImportJob.objects.create(
        kind=ImportKind.LEGACY_HISTORY,
        file_name="asttra.csv",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=cast.account("board_officer"),
        acting_role="board",
        acting_organisation=cast.orgs["board_m"],
    )
    return {"job_id": job.pk}


def framework_of(org: str) -> Any:
    return lambda cast: {"framework_id": framework_with_items(cast.orgs[org]).pk}


def teacher_a_dialogue(cast: Cast) -> dict[str, Any]:
    dialogue = dialogue_services.dialogue_record(
        actor=acting_for(cast.account("principal_a")),
        staff=cast.staff["teacher_a"],
        held_on=date(2025, 10, 1),
        topics="振り返り",
        advice="助言",
    )
    return {"dialogue_id": dialogue.pk}
