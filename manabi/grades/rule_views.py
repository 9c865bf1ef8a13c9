"""Pages of the 評定算出ルール: the rules a school may use with their tables, and a new version
made from one of them (the school's own rule). A saved version never changes; choosing it in
成績処理設定 recomputes the year's 観点 and 評定."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from manabi.access.functions import Action
from manabi.access.selectors import Reach
from manabi.accounts.selectors import acting_of
from manabi.grades import permissions, rule_forms, selectors, services
from manabi.grades.models import GradingRule
from manabi.orgs.models import Organisation

METHODS = (
    ("point_sum", "観点の点数の合計"),
    ("pattern", "観点の組合せ表"),
    ("average", "素点の平均"),
)


def _school(reach: Reach) -> Organisation:
    assert reach.standing.school_id is not None  # require_setup: 404 outside a school
    return Organisation.objects.get(pk=reach.standing.school_id)


@login_required
@require_GET
def rules_list(request: HttpRequest) -> HttpResponse:
    """The rules the school may choose, each with its tables as a teacher reads them."""
    acting = acting_of(request)
    reach = permissions.require_setup(acting, action=Action.VIEW)
    school = _school(reach)
    current = selectors.setup_of(school.pk, reach.fiscal_year)
    rows = [
        {
            "row": row,
            "rule": selectors.parsed_rule(row),
            "current": current and current.rule_id == row.pk,
        }
        for row in services.rule_choices(school)
    ]
    return render(
        request,
        "grades/rules.html",
        {"rows": rows, "school": school, "may_edit": permissions.may_setup(acting)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    """A new version of a rule, starting from ``?base=<rule id>``."""
    acting = acting_of(request)
    reach = permissions.require_setup(acting, action=Action.EDIT)
    school = _school(reach)
    choices = {row.pk: row for row in services.rule_choices(school)}
    base_id = request.GET.get("base") or request.POST.get("base") or ""
    base = (
        choices.get(int(base_id))
        if base_id.isascii() and base_id.isdigit() and len(base_id) < 12
        else None
    )
    if base is None:
        if base_id:
            raise Http404
        base = next(iter(choices.values()))
    problems: list[str] = []
    values = rule_forms.fields_of(base.data)
    if request.method == "POST":
        values = {**values, **{k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}}
        values["c_blocks_top"] = request.POST.get("c_blocks_top") == "on"
        key = base.key if base.owner_id == school.pk else _own_key(school, base)
        try:
            row = services.rule_save(
                actor=acting,
                owner=school,
                key=key,
                fiscal_year=reach.fiscal_year,
                data=rule_forms.data_from(base.data, request.POST),
            )
        except ValidationError as exc:
            problems = [str(m) for m in exc.messages]
        else:
            messages.success(
                request,
                f"「{row.name}」v{row.version} を保存しました。成績処理設定で選ぶと使われます。",
            )
            return redirect("grades:rules")
    return render(
        request,
        "grades/rule_new.html",
        {
            "base": base,
            "values": values,
            "methods": METHODS,
            "scales": [
                {
                    "key": scale,
                    "label": label,
                    "sums": [(r, f"sum_{scale}_{r}", values[f"sum_{scale}_{r}"]) for r in ratings],
                    "averages": [
                        (r, f"avg_{scale}_{r}", values[f"avg_{scale}_{r}"]) for r in ratings
                    ],
                }
                for scale, label, ratings in rule_forms.SCALES
            ],
            "patterns": [
                {
                    "combo": combo,
                    "cells": [
                        (
                            f"pat_{scale}_{combo}",
                            str(values[f"pat_{scale}_{combo}"]),
                            rule_forms.RATING_VALUES[scale],
                        )
                        for scale, _, _ in rule_forms.SCALES
                    ],
                }
                for combo in rule_forms.combos()
            ],
            "problems": problems,
            "school": school,
        },
        status=400 if problems else 200,
    )


def _own_key(school: Organisation, base: GradingRule) -> str:
    """The key of the school's own copy of a rule it did not make."""
    return slugify(f"{base.key}-{school.pk}")[:60]
