"""Authorisation-matrix entries of the organisation pages (see ``tests/authz_harness.py``).

The board of みなみ市 (board_officer) and the principal of school A see school A; school B
(きた町) is outside both; only system administrators and boards manage organisations.
"""

from __future__ import annotations

from tests.authz_harness import MANAGERS_200, OVERSEERS_200, Entry, Kwargs, roles


def org(name: str) -> Kwargs:
    return lambda cast: {"organisation_id": cast.orgs[name].pk}


ENTRIES: dict[str, list[Entry]] = {
    "orgs:organisation_list": [Entry("get", roles(403, **OVERSEERS_200))],
    "orgs:organisation_create": [Entry("get", roles(403, **MANAGERS_200))],
    "orgs:organisation_detail": [
        Entry("get", roles(404, **OVERSEERS_200), org("school_a")),
        Entry("get", roles(404, system_admin=200), org("school_b")),
        Entry("get", roles(404, system_admin=200, board_officer=200), org("board_m")),
    ],
    "orgs:organisation_edit": [
        Entry("get", roles(404, principal_a=403, **MANAGERS_200), org("school_a")),
        Entry("get", roles(404, system_admin=200), org("school_b")),
    ],
}
