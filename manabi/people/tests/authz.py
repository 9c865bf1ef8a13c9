"""Authorisation-matrix entries of the staff pages (see ``tests/authz_harness.py``).

principal_a and the board of みなみ市 see school A's staff (teacher_a); teacher_b (school B)
is outside both. Teachers see their own record; only system administrators and boards edit.
"""

from __future__ import annotations

from tests.authz_harness import MANAGERS_200, OVERSEERS_200, Entry, Kwargs, roles, signed_in


def staff_of(name: str) -> Kwargs:
    return lambda cast: {"staff_id": cast.staff[name].pk}


def assignment_of(name: str) -> Kwargs:
    return lambda cast: {
        "staff_id": cast.staff[name].pk,
        "assignment_id": cast.staff[name].assignments.get().pk,
    }


ENTRIES: dict[str, list[Entry]] = {
    "people:staff_list": [Entry("get", roles(403, **OVERSEERS_200))],
    "people:staff_create": [Entry("get", roles(403, **MANAGERS_200))],
    "people:staff_detail": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), staff_of("teacher_a"), True),
        Entry("get", roles(404, system_admin=200, teacher_b=200), staff_of("teacher_b"), True),
    ],
    "people:staff_edit": [
        Entry(
            "get", roles(404, principal_a=403, teacher_a=403, **MANAGERS_200), staff_of("teacher_a")
        ),
        Entry("get", roles(404, teacher_b=403, system_admin=200), staff_of("teacher_b")),
    ],
    "people:staff_retire": [
        Entry(
            "get", roles(404, principal_a=403, teacher_a=403, **MANAGERS_200), staff_of("teacher_a")
        ),
    ],
    "people:assignment_add": [
        Entry(
            "get", roles(404, principal_a=403, teacher_a=403, **MANAGERS_200), staff_of("teacher_a")
        ),
    ],
    "people:assignment_end": [
        Entry("get", signed_in(405), assignment_of("teacher_a")),
        Entry(
            "post",
            roles(404, principal_a=403, teacher_a=403, system_admin=302, board_officer=302),
            assignment_of("teacher_a"),
        ),
    ],
}
