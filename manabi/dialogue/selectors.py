"""Reads of dialogue records. Visibility follows the person, like the history: the teacher
reads their own; school admins and boards those of the staff currently in their
jurisdiction; system administrators all."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.core import wareki
from manabi.dialogue.models import Comment, Dialogue, Recommendation, Revision
from manabi.people.models import Staff
from manabi.records.selectors import is_own, staff_with_history_visible


def dialogues_visible(acting: Acting) -> QuerySet[Dialogue]:
    """Dialogues ``acting`` may read, own ones included."""
    others = staff_with_history_visible(acting).values("pk")
    qs = Dialogue.objects.filter(staff__in=others)
    account = acting.account
    if account is not None and account.staff_id is not None:
        qs = qs | Dialogue.objects.filter(staff_id=account.staff_id)
    return qs.select_related("staff", "recorded_by", "organisation").distinct()


def staff_without_dialogue(acting: Acting, *, on: date | None = None) -> QuerySet[Staff]:
    """今年度の対話がまだの教職員: the staff a principal looks after (not themself) with no
    dialogue record in the current fiscal year. One query."""
    if acting.role != Role.SCHOOL_ADMIN:
        return Staff.objects.none()
    year = wareki.fiscal_year(on or timezone.localdate())
    staff = staff_with_history_visible(acting, on=on).exclude(
        pk__in=Dialogue.objects.filter(fiscal_year=year).values("staff_id")
    )
    if acting.account is not None and acting.account.staff_id is not None:
        staff = staff.exclude(pk=acting.account.staff_id)
    return staff.order_by("kana", "pk")


def dialogue_list(acting: Acting, *, staff_id: int | None = None) -> QuerySet[Dialogue]:
    qs = dialogues_visible(acting)
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    return qs.order_by("-held_on", "-pk")


def dialogue_detail(dialogue_id: int) -> Dialogue:
    return (
        Dialogue.objects.select_related("staff", "recorded_by", "organisation")
        .prefetch_related(
            "history_discussed",
            "items_discussed",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("programme").order_by("order", "pk"),
            ),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            Prefetch("revisions", queryset=Revision.objects.select_related("edited_by")),
        )
        .get(pk=dialogue_id)
    )


def recommendations_for(acting: Acting) -> QuerySet[Recommendation]:
    """The trainings recommended to the signed-in person (newest dialogue first)."""
    account = acting.account
    if account is None or account.staff_id is None:
        return Recommendation.objects.none()
    return (
        Recommendation.objects.filter(dialogue__staff_id=account.staff_id)
        .select_related("dialogue", "programme")
        .order_by("-dialogue__held_on", "order")
    )


__all__ = ["dialogue_detail", "dialogue_list", "dialogues_visible", "is_own", "recommendations_for"]
