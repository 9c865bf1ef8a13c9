"""Access decisions about training history (研修受講履歴). Not visible → 404, visible but not
allowed → 403.

- Everyone with a staff record reads their own history and enters their own 校内研修・研究
  and 自主研修 (seed 000 §3 ②); they change it only until it is confirmed.
- School admins (校長・副校長・教頭) read the history of the staff currently assigned to
  their school, confirm or return what those staff entered, and enter school-wide in-school
  trainings for them. Nobody confirms their own record.
- Boards read the history of everyone currently assigned under them, with summaries and
  exports; system administrators read everyone's. Boards and system administrators import
  legacy history (移行データ).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.imports.permissions import can_import
from manabi.people.models import Staff
from manabi.records.choices import RecordSource, RecordStatus
from manabi.records.models import HistoryExport, HistoryRecord
from manabi.records.selectors import (
    OVERSEER_ROLES,
    history_exports_of,
    is_own,
    staff_with_history_visible,
    with_workplace,
)


def has_own_history(acting: Acting) -> bool:
    return acting.account is not None and acting.account.staff_id is not None


def can_list_history(acting: Acting) -> bool:
    """研修履歴の一覧・集計・出力 of many people: boards, school admins, system administrators."""
    return acting.role in OVERSEER_ROLES


def can_review(acting: Acting) -> bool:
    """確認・差し戻し: school admins, for the staff of their school."""
    return acting.role == Role.SCHOOL_ADMIN and acting.organisation is not None


def can_enter_school_training(acting: Acting) -> bool:
    """校内研修の一括入力: school admins, for the staff of their school."""
    return can_review(acting)


def can_import_history(acting: Acting) -> bool:
    """移行データの取り込み: system administrators and boards (as 一括登録)."""
    return can_import(acting)


def _visible_staff(acting: Acting, staff_id: int) -> Staff | None:
    if is_own(acting, staff_id):
        return Staff.objects.filter(pk=staff_id).first()
    return staff_with_history_visible(acting).filter(pk=staff_id).first()


def access_history(acting: Acting, staff_id: int) -> Staff:
    """A person whose history ``acting`` may read (their own, or in the jurisdiction),
    annotated with ``workplace_name`` (``selectors.with_workplace``)."""
    people = (
        Staff.objects.filter(pk=staff_id)
        if is_own(acting, staff_id)
        else staff_with_history_visible(acting).filter(pk=staff_id)
    )
    staff = with_workplace(people).first()
    if staff is None:
        raise Http404
    return staff


def access_record(acting: Acting, record_id: int) -> HistoryRecord:
    """One record of a person whose history ``acting`` may read; 404 otherwise."""
    record = (
        HistoryRecord.objects.select_related("staff", "entered_by", "confirmed_by")
        .filter(pk=record_id)
        .first()
    )
    if record is None or _visible_staff(acting, record.staff_id) is None:
        raise Http404
    return record


def access_record_for_change(acting: Acting, record_id: int) -> HistoryRecord:
    """A record the person entered themselves and that is not confirmed yet (修正・再提出)."""
    record = access_record(acting, record_id)
    if (
        not is_own(acting, record.staff_id)
        or record.source != RecordSource.MANUAL
        or record.is_school_wide
        or record.status == RecordStatus.CONFIRMED
    ):
        raise PermissionDenied
    return record


def access_record_for_review(acting: Acting, record_id: int) -> HistoryRecord:
    """A record a school admin may confirm or return: of their staff, never their own."""
    record = access_record(acting, record_id)
    if not can_review(acting) or is_own(acting, record.staff_id):
        raise PermissionDenied
    return record


def access_export(acting: Acting, export_id: int) -> HistoryExport:
    """An export file: only the person who asked for it."""
    try:
        return history_exports_of(acting).get(pk=export_id)
    except HistoryExport.DoesNotExist:
        raise Http404 from None
