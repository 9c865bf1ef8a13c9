"""Authorisation-matrix entries of the records app (研修受講履歴): its pages and the history
API (see ``tests/authz_harness.py``).

Teachers read their own history; principal_a reads school A's staff, board_officer
みなみ市's; reads of someone else's history are audited (writes_when_allowed). Each helper
takes the persona cast and returns the URL arguments.
"""

from __future__ import annotations

from typing import Any

from manabi.orgs.tests.authz import org
from manabi.people.tests.authz import staff_of
from manabi.records.models import HistoryExport
from manabi.records.tests.factories import HistoryRecordFactory
from manabi.records.tests.helpers import submit
from tests.authz_harness import MANAGERS_200, OVERSEERS_200, Entry, roles, signed_in
from tests.personas import Cast

# Those who read a teacher_a record but may not act on it (records, dialogues).
HISTORY_403 = {"system_admin": 403, "board_officer": 403}


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


ENTRIES: dict[str, list[Entry]] = {
    "records:my_history": [
        Entry("get", roles(404, principal_a=302, teacher_a=302, teacher_b=302)),
    ],
    # An empty form: errors shown, nothing written.
    "records:record_new": [
        Entry("get", roles(404, principal_a=200, teacher_a=200, teacher_b=200)),
        Entry("post", roles(404, principal_a=200, teacher_a=200, teacher_b=200)),
    ],
    "records:record_edit": [
        Entry(
            "get",
            roles(404, teacher_a=200, principal_a=403, **HISTORY_403),
            submitted_record,
        ),
    ],
    "records:record_withdraw": [
        Entry("get", signed_in(405), submitted_record),
        Entry(
            "post",
            roles(404, teacher_a=302, principal_a=403, **HISTORY_403),
            submitted_record,
            writes_when_allowed=True,
        ),
    ],
    # No file: every reader gets 404 (who reads evidence is tested in test_manual_records).
    "records:record_evidence": [Entry("get", roles(404), record_without_evidence)],
    "records:review_list": [Entry("get", roles(403, principal_a=200))],
    "records:record_confirm": [
        Entry("get", signed_in(405), submitted_record),
        Entry(
            "post",
            roles(404, principal_a=302, teacher_a=403, **HISTORY_403),
            submitted_record,
            writes_when_allowed=True,
        ),
    ],
    # Without a reason: refused with a message, nothing written.
    "records:record_return": [
        Entry(
            "post",
            roles(404, principal_a=302, teacher_a=403, **HISTORY_403),
            submitted_record,
        ),
    ],
    "records:school_training_new": [
        Entry("get", roles(403, principal_a=200)),
        Entry("post", roles(403, principal_a=200)),
    ],
    "records:overview": [Entry("get", roles(403, **OVERSEERS_200), writes_when_allowed=True)],
    "records:staff_history": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
        Entry("get", roles(404, system_admin=200, teacher_b=200), staff_of("teacher_b"), True),
    ],
    "records:staff_history_pdf": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
    ],
    "records:staff_coverage": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
        Entry("get", roles(404, system_admin=200, teacher_b=200), staff_of("teacher_b"), True),
    ],
    "records:organisation_coverage": [
        Entry("get", roles(404, **OVERSEERS_200), org("school_a")),
        Entry("get", roles(404, system_admin=200), org("school_b")),
    ],
    # An empty form is not an export: back with a message, nothing written.
    "records:export": [Entry("get", signed_in(405)), Entry("post", signed_in(302))],
    "records:export_job": [Entry("get", roles(404, board_officer=200), board_export)],
    "records:export_progress": [Entry("get", roles(404, board_officer=200), board_export)],
    # Not made yet: back to the export's page.
    "records:export_download": [
        Entry("get", roles(404, board_officer=302), board_export),
    ],
    "records:import_upload": [
        Entry("get", roles(403, **MANAGERS_200)),
        Entry("post", roles(403, **MANAGERS_200)),
    ],
    "records:import_template": [Entry("get", roles(403, **MANAGERS_200))],
    # Own history for teachers; the jurisdiction (audited) for the overseers; those with
    # neither must name a person (400).
    "api:history": [
        Entry(
            "get",
            roles(400, anonymous=401, teacher_a=200, teacher_b=200, **OVERSEERS_200),
            writes_when_allowed=True,
        ),
        # An empty body: 400 for those with a staff record, 403 for the others.
        Entry(
            "post",
            roles(403, anonymous=401, principal_a=400, teacher_a=400, teacher_b=400),
        ),
    ],
    "api:history_export": [
        Entry(
            "get",
            roles(400, anonymous=401, teacher_a=200, teacher_b=200, **OVERSEERS_200),
            writes_when_allowed=True,
        ),
    ],
    "api:history_confirm": [
        Entry("get", signed_in(405, anonymous=401), submitted_record),
        Entry(
            "post",
            roles(404, anonymous=401, principal_a=200, teacher_a=403, **HISTORY_403),
            submitted_record,
            writes_when_allowed=True,
        ),
    ],
    "api:history_return": [
        Entry(
            "post",
            roles(404, anonymous=401, principal_a=400, teacher_a=403, **HISTORY_403),
            submitted_record,
        ),
    ],
    "api:indicator_coverage": [
        Entry(
            "get",
            roles(404, anonymous=401, teacher_a=200, **OVERSEERS_200),
            staff_of("teacher_a"),
            writes_when_allowed=True,
        ),
    ],
}
