"""Writes of dialogue records. Every one is audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from manabi.accounts.selectors import Acting
from manabi.core import wareki
from manabi.core.audit import audit_record
from manabi.dialogue.models import Comment, Dialogue, Recommendation
from manabi.indicators.models import Item
from manabi.people.models import Staff
from manabi.records.models import HistoryRecord
from manabi.records.selectors import is_own


@dataclass(frozen=True)
class RecommendationInput:
    title: str
    programme_number: str = ""
    note: str = ""


def dialogue_record(
    *,
    actor: Acting,
    staff: Staff,
    held_on: date,
    topics: str,
    advice: str,
    history_ids: Sequence[int] = (),
    item_ids: Sequence[int] = (),
    recommendations: Sequence[RecommendationInput] = (),
) -> Dialogue:
    """Record a dialogue with ``staff`` (who must be someone the caller looks after: the
    view fetches them through ``access_staff_for_dialogue``)."""
    if actor.account is None or actor.organisation is None:
        raise ValidationError("学校管理職として操作してください。")
    if is_own(actor, staff.pk):
        raise ValidationError("自分との対話は記録できません。")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "実施日に未来の日付は入力できません。"})
    history = list(
        HistoryRecord.objects.filter(staff=staff, pk__in=history_ids).values_list("pk", flat=True)
    )
    if len(history) != len(set(history_ids)):
        raise ValidationError(
            {"history_ids": "話題にした研修履歴が見つかりません。選び直してください。"}
        )
    items = list(Item.objects.filter(pk__in=item_ids).values_list("pk", flat=True))
    with transaction.atomic():
        dialogue = Dialogue.objects.create(
            staff=staff,
            held_on=held_on,
            fiscal_year=wareki.fiscal_year(held_on),
            organisation=actor.organisation,
            recorded_by=actor.account,
            topics=topics,
            advice=advice,
        )
        dialogue.history_discussed.set(history)
        dialogue.items_discussed.set(items)
        Recommendation.objects.bulk_create(
            Recommendation(
                dialogue=dialogue,
                title=r.title,
                programme_number=r.programme_number,
                note=r.note,
                order=index,
            )
            for index, r in enumerate(recommendations)
        )
        audit_record(
            actor=actor,
            action="dialogue.record",
            target=dialogue,
            subject=staff,
            details={
                "held_on": held_on.isoformat(),
                "history": history,
                "items": items,
                "recommendations": [r.programme_number or r.title for r in recommendations],
            },
        )
    return dialogue


def dialogue_comment(*, actor: Acting, dialogue: Dialogue, body: str) -> Comment:
    if actor.account is None:
        raise ValidationError("ログインしてから操作してください。")
    if not body.strip():
        raise ValidationError({"body": "コメントを入力してください。"})
    with transaction.atomic():
        comment = Comment.objects.create(dialogue=dialogue, author=actor.account, body=body.strip())
        audit_record(
            actor=actor,
            action="dialogue.comment",
            target=dialogue,
            subject=dialogue.staff,
            details={"comment": comment.pk},
        )
    return comment
