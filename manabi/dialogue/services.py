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
from manabi.dialogue.models import Comment, Dialogue, Recommendation, Revision
from manabi.indicators.models import Item
from manabi.people.models import Staff
from manabi.records.models import HistoryRecord
from manabi.records.selectors import is_own
from manabi.training.models import TrainingProgramme


@dataclass(frozen=True)
class RecommendationInput:
    title: str
    programme_number: str = ""
    note: str = ""


def _checked(
    staff: Staff, held_on: date, history_ids: Sequence[int], item_ids: Sequence[int]
) -> tuple[list[int], list[int]]:
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
    return history, items


def _recommend(dialogue: Dialogue, recommendations: Sequence[RecommendationInput]) -> None:
    """The recommendations, each linked to the catalogue's programme of its 研修事業番号 (one
    query for all of them)."""
    numbers = {r.programme_number for r in recommendations if r.programme_number}
    programmes = dict(
        TrainingProgramme.objects.filter(number__in=numbers).values_list("number", "pk")
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            dialogue=dialogue,
            title=r.title,
            programme_number=r.programme_number,
            programme_id=programmes.get(r.programme_number),
            note=r.note,
            order=index,
        )
        for index, r in enumerate(recommendations)
    )


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
    history, items = _checked(staff, held_on, history_ids, item_ids)
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
        _recommend(dialogue, recommendations)
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


def _content(
    held_on: date,
    topics: str,
    advice: str,
    history: Sequence[int],
    items: Sequence[int],
    recommendations: Sequence[RecommendationInput],
) -> dict[str, object]:
    """What a record says, as kept in its edit history (and compared to see a change)."""
    return {
        "held_on": held_on.isoformat(),
        "topics": topics,
        "advice": advice,
        "history": sorted(history),
        "items": sorted(items),
        "recommendations": [
            {"programme_number": r.programme_number, "title": r.title, "note": r.note}
            for r in recommendations
        ],
    }


def _snapshot(dialogue: Dialogue) -> dict[str, object]:
    return _content(
        dialogue.held_on,
        dialogue.topics,
        dialogue.advice,
        list(dialogue.history_discussed.values_list("pk", flat=True)),
        list(dialogue.items_discussed.values_list("pk", flat=True)),
        [
            RecommendationInput(r.title, r.programme_number, r.note)
            for r in dialogue.recommendations.order_by("order", "pk")
        ],
    )


def dialogue_update(
    *,
    actor: Acting,
    dialogue: Dialogue,
    held_on: date,
    topics: str,
    advice: str,
    history_ids: Sequence[int] = (),
    item_ids: Sequence[int] = (),
    recommendations: Sequence[RecommendationInput] = (),
) -> Dialogue:
    """The author corrects their record; what it said before is kept (``Revision``) and the
    change is audited. The caller fetched it through ``access_dialogue_for_edit``."""
    if actor.account is None or dialogue.recorded_by_id != actor.account.pk:
        raise ValidationError("記録した本人だけが直せます。")
    history, items = _checked(dialogue.staff, held_on, history_ids, item_ids)
    with transaction.atomic():
        locked = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
        before = _snapshot(locked)
        locked.held_on = held_on
        locked.fiscal_year = wareki.fiscal_year(held_on)
        locked.topics = topics
        locked.advice = advice
        locked.updated_at = timezone.now()
        after = _content(held_on, topics, advice, history, items, recommendations)
        if after == before:
            return locked  # nothing changed: no revision, no event
        Revision.objects.create(dialogue=locked, edited_by=actor.account, before=before)
        locked.save(update_fields=["held_on", "fiscal_year", "topics", "advice", "updated_at"])
        locked.history_discussed.set(history)
        locked.items_discussed.set(items)
        locked.recommendations.all().delete()
        _recommend(locked, recommendations)
        audit_record(
            actor=actor,
            action="dialogue.update",
            target=locked,
            subject=locked.staff,
            details={"changed": sorted(k for k in after if after[k] != before[k])},
        )
    return locked


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
