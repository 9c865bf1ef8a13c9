"""Forms of dialogue records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from manabi.dialogue.services import RecommendationInput
from manabi.indicators.models import Item
from manabi.records.forms import ItemChoiceField
from manabi.records.models import HistoryRecord


class HistoryChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: HistoryRecord) -> str:
        return f"{obj.start:%Y/%m/%d} {obj.title}({obj.hours}時間・{obj.get_status_display()})"


class DialogueForm(forms.Form):
    held_on = forms.DateField(label="実施日", widget=forms.DateInput(attrs={"type": "date"}))
    topics = forms.CharField(
        label="話題",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="本人の振り返り、これからの目標、学校での役割など。",
    )
    history_ids = HistoryChoiceField(
        label="話題にした研修履歴",
        queryset=HistoryRecord.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    item_ids = ItemChoiceField(
        label="話題にした育成指標の項目",
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    advice = forms.CharField(label="指導・助言", widget=forms.Textarea(attrs={"rows": 4}))
    recommendations = forms.CharField(
        label="受講を勧める研修",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="1行に1つ。研修事業番号があれば先頭に書き、空白を入れて研修名を続けます"
        "(例: 2026309001 授業づくり講座)。",
    )

    def __init__(
        self, *args: Any, history: QuerySet[HistoryRecord], items: QuerySet[Item], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        history_field: Any = self.fields["history_ids"]
        history_field.queryset = history
        items_field: Any = self.fields["item_ids"]
        items_field.queryset = items

    def clean_recommendations(self) -> list[RecommendationInput]:
        result = []
        for line in self.cleaned_data.get("recommendations", "").splitlines():
            text = line.strip()
            if not text:
                continue
            first, _, rest = text.partition(" ")
            if (
                rest.strip()
                and first.isascii()
                and first.replace("-", "").isalnum()
                and len(first) <= 20
            ):
                result.append(RecommendationInput(title=rest.strip()[:200], programme_number=first))
            else:
                result.append(RecommendationInput(title=text[:200]))
        if len(result) > 20:
            raise forms.ValidationError("受講を勧める研修は20件までにしてください。")
        return result

    @staticmethod
    def initial_of(dialogue: Any) -> dict[str, Any]:
        """The form's values for an existing record (to correct it)."""
        lines = [
            f"{r.programme_number} {r.title}" if r.programme_number else r.title
            for r in dialogue.recommendations.all()
        ]
        return {
            "held_on": dialogue.held_on,
            "topics": dialogue.topics,
            "advice": dialogue.advice,
            "history_ids": list(dialogue.history_discussed.all()),
            "item_ids": list(dialogue.items_discussed.all()),
            "recommendations": "\n".join(lines),
        }

    def dialogue_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["history_ids"] = [r.pk for r in data["history_ids"]]
        data["item_ids"] = [i.pk for i in data["item_ids"]]
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label="コメント", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
