"""Authorisation-matrix entries of the permission settings pages (別表1, システム担当): read by
the school's 校長・副校長・教頭・システム担当, changed by its 校長 only (seed 001 第12条); people
who act for no school get 404. See ``tests/authz_harness.py`` and ``tests/school_personas``."""

from __future__ import annotations

from typing import Any

from manabi.access.models import RoleGroupDesignation
from tests.authz_harness import Entry
from tests.authz_harness import school_managers as managers
from tests.personas import Cast
from tests.school_personas import build_school_cast


def designation(cast: Cast) -> dict[str, Any]:
    sc = build_school_cast(cast)
    return {
        "designation_id": RoleGroupDesignation.objects.get(account=sc.account("system_staff_a")).pk
    }


ENTRIES: dict[str, list[Entry]] = {
    # 機能権限 (別表1): read by 校長・副校長・教頭・システム担当, changed by the 校長. Other staff
    # may not read any school's settings (403 before any lookup).
    "access:table": [
        Entry("get", managers(200), school=True),
        # Nothing posted: "no change", back to the table.
        Entry("post", managers(302), school=True),
    ],
    "access:who": [Entry("get", managers(200), school=True)],
    "access:designations": [
        Entry("get", managers(200), school=True),
        Entry("post", managers(200), school=True),
    ],
    "access:designation_remove": [
        Entry("get", managers(200), designation, school=True),
        Entry("post", managers(302), designation, True, school=True),
    ],
}
