"""Authorisation-matrix entries of the import pages (一括登録, see ``tests/authz_harness.py``):
staff imports of the board, roster imports of school A and legacy history imports (移行データ),
all jobs of the shared import machinery.
"""

from __future__ import annotations

from typing import Any

from manabi.imports.models import ImportJob, ImportKind
from tests.authz_harness import MANAGERS_200, Entry, roles, signed_in
from tests.personas import Cast
from tests.school_personas import build_school_cast


def board_job(cast: Cast) -> dict[str, Any]:
    """An import job uploaded by the board officer, not yet checked."""
    job = ImportJob.objects.create(
        kind="staff",
        file_name="4月.csv",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=cast.account("board_officer"),
        acting_role="board",
        acting_organisation=cast.orgs["board_m"],
    )
    return {"job_id": job.pk}


def roster_job(cast: Cast) -> dict[str, Any]:
    """A roster import job of school A (児童生徒名簿), uploaded by its principal, checked."""
    build_school_cast(cast)
    job = ImportJob.objects.create(
        kind="roster",
        file_name="名簿.csv",
        file_sha256="0" * 64,
        content=b"",
        uploaded_by=cast.account("principal_a"),
        acting_role="school_admin",
        acting_organisation=cast.orgs["school_a"],
        status="failed",
    )
    return {"job_id": job.pk}


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


ENTRIES: dict[str, list[Entry]] = {
    # 一括登録: system administrators and boards. An empty upload re-renders the form.
    "imports:upload": [
        Entry("get", roles(403, **MANAGERS_200)),
        Entry("post", roles(403, **MANAGERS_200)),
    ],
    "imports:template": [
        Entry("get", roles(403, **MANAGERS_200), lambda cast: {"kind": "staff"}),
        Entry("get", roles(404, principal_a=200), lambda cast: {"kind": "roster"}, school=True),
        Entry("post", signed_in(405), lambda cast: {"kind": "staff"}),
    ],
    # A school's roster jobs are its record managers' only (boards never see pupils' files).
    "imports:job": [
        Entry("get", roles(404, **MANAGERS_200), board_job),
        Entry("get", roles(404, principal_a=200), roster_job, school=True),
        Entry("get", roles(404, **MANAGERS_200), board_history_import),
    ],
    "imports:job_progress": [
        Entry("get", roles(404, **MANAGERS_200), board_job),
        Entry("get", roles(404, principal_a=200), roster_job, school=True),
        Entry("get", roles(404, **MANAGERS_200), board_history_import),
    ],
    "imports:job_errors": [
        Entry("get", roles(404, **MANAGERS_200), board_job),
        Entry("get", roles(404, principal_a=200), roster_job, school=True),
        Entry("get", roles(404, **MANAGERS_200), board_history_import),
    ],
    # Not validated yet: back to the job page.
    "imports:job_confirm": [
        Entry("get", roles(404, system_admin=302, board_officer=302), board_job),
        Entry("get", roles(404, principal_a=302), roster_job, school=True),
        Entry("get", roles(404, system_admin=302, board_officer=302), board_history_import),
    ],
    "imports:job_commit": [
        Entry("get", signed_in(405), board_job),
        Entry("post", roles(404, system_admin=302, board_officer=302), board_job),
        Entry("post", roles(404, principal_a=302), roster_job, school=True),
        Entry("post", roles(404, system_admin=302, board_officer=302), board_history_import),
    ],
    # Not failed: refused with a message, back to the job page.
    "imports:job_rerun": [
        Entry("get", signed_in(405), board_job),
        Entry("post", roles(404, system_admin=302, board_officer=302), board_job),
        Entry("post", roles(404, principal_a=302), roster_job, school=True),
        Entry("post", roles(404, system_admin=302, board_officer=302), board_history_import),
    ],
}
