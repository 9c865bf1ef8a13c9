"""Authorisation-matrix entries of the indicators app (育成指標): its pages and the framework
API (see ``tests/authz_harness.py``). Frameworks are read by everyone with a role in the
prefecture; the prefecture's is defined by system administrators, a board's by the board.
"""

from __future__ import annotations

from typing import Any

from manabi.indicators.tests.factories import framework_with_items
from tests.authz_harness import MANAGERS_200, Entry, roles, signed_in


def framework_of(org: str) -> Any:
    return lambda cast: {"framework_id": framework_with_items(cast.orgs[org]).pk}


ENTRIES: dict[str, list[Entry]] = {
    "indicators:framework_list": [Entry("get", roles(200, guest=403, no_role=403))],
    "indicators:framework_create": [Entry("get", roles(403, **MANAGERS_200))],
    "indicators:framework_detail": [
        Entry("get", roles(200, guest=404, no_role=404), framework_of("pref")),
    ],
    # みなみ市's board defines its own framework, not the prefecture's.
    "indicators:item_add": [
        Entry(
            "get",
            roles(403, guest=404, no_role=404, system_admin=200),
            framework_of("pref"),
        ),
        Entry(
            "get",
            roles(403, guest=404, no_role=404, **MANAGERS_200),
            framework_of("board_m"),
        ),
    ],
    "indicators:framework_import": [
        Entry(
            "get",
            roles(403, guest=404, no_role=404, system_admin=200),
            framework_of("pref"),
        ),
    ],
    "api:indicator_frameworks": [Entry("get", signed_in(200, anonymous=401))],
}
