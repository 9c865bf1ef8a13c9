"""Access decisions about dialogue records. Not visible → 404, visible but not allowed → 403.

- Recording a dialogue: school admins (校長・副校長・教頭), with the staff of their school.
- Reading: the teacher (their own), school admins and boards (staff in their jurisdiction),
  system administrators.
- Commenting: the teacher on their own records, and the school admins who read them.
- Correcting: the school admin who recorded it (what it said before is kept).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.dialogue.models import Dialogue
from manabi.dialogue.selectors import dialogue_detail, dialogues_visible
from manabi.people.models import Staff
from manabi.records.selectors import OVERSEER_ROLES, is_own, staff_with_history_visible


def can_record_dialogue(acting: Acting) -> bool:
    return acting.role == Role.SCHOOL_ADMIN and acting.organisation is not None


def can_list_dialogues(acting: Acting) -> bool:
    account = acting.account
    has_own = account is not None and account.staff_id is not None
    return acting.role in OVERSEER_ROLES or has_own


def access_staff_for_dialogue(acting: Acting, staff_id: int) -> Staff:
    """A teacher a school admin may record a dialogue with."""
    staff = staff_with_history_visible(acting).filter(pk=staff_id).first()
    if staff is None:
        if is_own(acting, staff_id):
            raise PermissionDenied  # nobody records a dialogue with themself
        raise Http404
    if not can_record_dialogue(acting) or is_own(acting, staff_id):
        raise PermissionDenied
    return staff


def access_dialogue(acting: Acting, dialogue_id: int) -> Dialogue:
    if not dialogues_visible(acting).filter(pk=dialogue_id).exists():
        raise Http404
    return dialogue_detail(dialogue_id)


def can_comment(acting: Acting, dialogue: Dialogue) -> bool:
    return is_own(acting, dialogue.staff_id) or (
        acting.role == Role.SCHOOL_ADMIN and not is_own(acting, dialogue.staff_id)
    )


def access_dialogue_for_comment(acting: Acting, dialogue_id: int) -> Dialogue:
    dialogue = access_dialogue(acting, dialogue_id)
    if not can_comment(acting, dialogue):
        raise PermissionDenied
    return dialogue


def can_edit(acting: Acting, dialogue: Dialogue) -> bool:
    """Only the school admin who recorded it corrects a record (the history of edits stays)."""
    return (
        acting.role == Role.SCHOOL_ADMIN
        and acting.account is not None
        and dialogue.recorded_by_id == acting.account.pk
    )


def access_dialogue_for_edit(acting: Acting, dialogue_id: int) -> Dialogue:
    dialogue = access_dialogue(acting, dialogue_id)
    if not can_edit(acting, dialogue):
        raise PermissionDenied
    return dialogue
