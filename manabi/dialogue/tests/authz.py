"""Authorisation-matrix entries of the dialogue app (対話の記録, see ``tests/authz_harness.py``):
principal_a records a dialogue with teacher_a; she and her overseers read it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from manabi.accounts.selectors import acting_for
from manabi.dialogue import services as dialogue_services
from manabi.people.tests.authz import staff_of
from manabi.records.tests.authz import HISTORY_403
from tests.authz_harness import OVERSEERS_200, Entry, roles, signed_in
from tests.personas import Cast


def teacher_a_dialogue(cast: Cast) -> dict[str, Any]:
    dialogue = dialogue_services.dialogue_record(
        actor=acting_for(cast.account("principal_a")),
        staff=cast.staff["teacher_a"],
        held_on=date(2025, 10, 1),
        topics="振り返り",
        advice="助言",
    )
    return {"dialogue_id": dialogue.pk}


ENTRIES: dict[str, list[Entry]] = {
    "dialogue:dialogue_list": [
        Entry("get", roles(403, teacher_a=200, teacher_b=200, **OVERSEERS_200)),
    ],
    "dialogue:dialogue_new": [
        Entry(
            "get",
            roles(404, principal_a=200, teacher_a=403, **HISTORY_403),
            staff_of("teacher_a"),
        ),
    ],
    "dialogue:dialogue_detail": [
        Entry("get", roles(404, teacher_a=200, **OVERSEERS_200), teacher_a_dialogue, True),
    ],
    # Only its author corrects a record; an empty form is shown again, nothing written.
    "dialogue:dialogue_edit": [
        Entry(
            "get",
            roles(404, principal_a=200, teacher_a=403, system_admin=403, board_officer=403),
            teacher_a_dialogue,
        ),
        Entry(
            "post",
            roles(404, principal_a=200, teacher_a=403, system_admin=403, board_officer=403),
            teacher_a_dialogue,
        ),
    ],
    # Without a comment: back with a message, nothing written.
    "dialogue:comment_add": [
        Entry("get", signed_in(405), teacher_a_dialogue),
        Entry(
            "post",
            roles(404, teacher_a=302, principal_a=302, **HISTORY_403),
            teacher_a_dialogue,
        ),
    ],
}
