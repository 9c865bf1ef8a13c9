"""Forms of grades entry: 評価項目, a hand-set 観点 or 評定, and 成績処理設定."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from manabi.grades.models import (
    EvaluationItem,
    GradingRule,
    GradingSetup,
    TermSystem,
    ViewpointChoice,
)
from manabi.grades.services import ItemInput, TermInput


def parse_term(text: str | None) -> int | None:
    """``?term=`` as 0–3, or None for anything else."""
    if text is None or text not in ("0", "1", "2", "3"):
        return None
    return int(text)


class ItemForm(forms.Form):
    name = forms.CharField(label="評価項目名", max_length=60)
    kind = forms.ChoiceField(label="種類", choices=EvaluationItem.Kind.choices)
    viewpoint = forms.ChoiceField(label="観点", choices=ViewpointChoice.choices)
    max_score = forms.DecimalField(
        label="満点", min_value=Decimal("0.1"), max_value=Decimal("1000"), decimal_places=1
    )
    weight = forms.DecimalField(
        label="重み",
        min_value=Decimal("0.01"),
        max_value=Decimal("10"),
        decimal_places=2,
        initial=Decimal("1"),
        help_text="観点の中での重み (標準は1)",
    )
    order = forms.IntegerField(label="表示順", min_value=0, max_value=999, initial=0)

    def __init__(self, *args: Any, instance_item: EvaluationItem | None = None, **kw: Any):
        if instance_item is not None and not args:
            kw.setdefault(
                "initial",
                {
                    "name": instance_item.name,
                    "kind": instance_item.kind,
                    "viewpoint": instance_item.viewpoint,
                    "max_score": instance_item.max_score,
                    "weight": instance_item.weight,
                    "order": instance_item.order,
                },
            )
        super().__init__(*args, **kw)

    def item_input(self) -> ItemInput:
        d = self.cleaned_data
        return ItemInput(
            name=d["name"],
            viewpoint=d["viewpoint"],
            max_score=d["max_score"],
            weight=d["weight"],
            kind=d["kind"],
            order=d["order"],
        )


class ViewpointForm(forms.Form):
    viewpoint = forms.ChoiceField(label="観点", choices=ViewpointChoice.choices)
    mark = forms.ChoiceField(
        label="評価",
        required=False,
        choices=[("", "算出結果に戻す"), ("A", "A"), ("B", "B"), ("C", "C")],
    )
    reason = forms.CharField(label="理由", max_length=200, required=False)


class RatingForm(forms.Form):
    value = forms.TypedChoiceField(label="評定", required=False, coerce=int, empty_value=None)
    reason = forms.CharField(label="理由", max_length=200, required=False)

    def __init__(self, *args: Any, top: int = 5, **kw: Any) -> None:
        """``top``: the highest 評定 of the pupil's scale (5 or 3)."""
        super().__init__(*args, **kw)
        field = self.fields["value"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "算出結果に戻す"), *((str(n), str(n)) for n in range(top, 0, -1))]


class RuleChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: GradingRule) -> str:
        owner = "manabi 標準" if obj.owner_id is None else "独自"
        return f"{obj.name} (v{obj.version}, {owner})"


class SetupForm(forms.Form):
    term_system = forms.ChoiceField(label="学期の区分", choices=TermSystem.choices)
    rule = RuleChoiceField(label="評定算出ルール", queryset=GradingRule.objects.none())

    def __init__(
        self,
        *args: Any,
        current: GradingSetup | None,
        rules: list[GradingRule],
        **kw: Any,
    ) -> None:
        kw.setdefault(
            "initial",
            {
                "term_system": current.term_system if current else TermSystem.THREE,
                "rule": current.rule_id if current else (rules[0].pk if rules else None),
            },
        )
        super().__init__(*args, **kw)
        field = self.fields["rule"]
        assert isinstance(field, RuleChoiceField)
        field.queryset = GradingRule.objects.filter(pk__in=[r.pk for r in rules]).order_by(
            "owner_id", "name", "-version"
        )


class TermForm(forms.Form):
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=3)
    name = forms.CharField(label="名称", max_length=20)
    starts_on = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    entry_opens_on = forms.DateField(
        label="入力開始日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    entry_closes_on = forms.DateField(
        label="入力終了日", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    entry_closed = forms.BooleanField(label="入力締切", required=False)

    def term_input(self) -> TermInput:
        d = self.cleaned_data
        return TermInput(
            number=d["number"],
            name=d["name"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            entry_opens_on=d["entry_opens_on"],
            entry_closes_on=d["entry_closes_on"],
            entry_closed=d["entry_closed"],
        )


TermFormSet = forms.formset_factory(TermForm, extra=0, max_num=3, validate_max=True)
