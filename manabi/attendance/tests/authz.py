"""Authorisation-matrix entries of the attendance book (see ``tests/authz_harness.py``).

The cast is ``tests.school_personas``. By 別表1's defaults every member of school A's staff
may see and enter every class's 出席簿 (管理者); the 学級担任 closes their own class's month
(ロック 学級担当) and the 校長 locks it (ロック 管理者). School B's teacher, boards and system
administrators act for no class of school A: 404.

The guardian pages and the reports keep their entries in ``authz_guardian`` and
``authz_reports``; they are merged here so that the harness finds one block per app.
"""

from __future__ import annotations

from typing import Any

from manabi.attendance.tests.authz_guardian import ENTRIES as GUARDIAN_ENTRIES
from manabi.attendance.tests.authz_reports import ENTRIES as REPORT_ENTRIES
from tests.authz_harness import Entry, Kwargs
from tests.personas import Cast
from tests.school_personas import build_school_cast


def klass(key: str) -> Kwargs:
    return lambda cast: {"class_id": build_school_cast(cast).classes[key].pk}


def a1_1(cast: Cast) -> dict[str, Any]:
    return klass("a1_1")(cast)


ENTRIES: dict[str, list[Entry]] = {
    **GUARDIAN_ENTRIES,
    **REPORT_ENTRIES,
}
