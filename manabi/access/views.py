"""Pages of the school's permission settings: the 別表1 table of each role group (with the
school's changes, edited by the 校長 after a confirmation), "who can do X on class Y, and
why", and the role-group designations (システム担当 …)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from manabi.access import services
from manabi.access.functions import Action, functions
from manabi.access.models import RoleGroupDesignation
from manabi.access.permissions import (
    can_edit_settings,
    require_settings_editor,
    require_settings_reader,
)
from manabi.access.selectors import (
    designations_at,
    permission_table,
    target_of_class,
    target_of_lesson,
    who_can,
)
from manabi.accounts.models import Account, RoleAssignment
from manabi.accounts.rolegroups import SCHOOL_GROUPS, RoleGroup
from manabi.accounts.scopes import Scope
from manabi.accounts.selectors import acting_of
from manabi.classes.models import LessonClass, SchoolClass
from manabi.classes.selectors import current_fiscal_year

SCOPE_CHOICES = [(s.value, s.label) for s in Scope]


def _group(raw: str | None) -> RoleGroup:
    try:
        group = RoleGroup(raw or RoleGroup.TEACHER)
    except ValueError:
        raise Http404 from None
    if group not in SCHOOL_GROUPS:
        raise Http404
    return group


def _posted_changes(request: HttpRequest) -> list[services.CellChange]:
    """Cells sent as ``cell:<function>:<action>=<scope>``."""
    changes = []
    for key, value in request.POST.items():
        if key.startswith("cell:"):
            _, function, action = [*key.split(":", 2), "", ""][:3]
            changes.append(services.CellChange(function=function, action=action, scope=str(value)))
    return changes


@login_required
@require_http_methods(["GET", "POST"])
def table(request: HttpRequest) -> HttpResponse:
    """機能権限 (別表1) of one role group at the school. POST shows what would change and asks
    to confirm; POST with ``confirm`` writes it."""
    acting = acting_of(request)
    school = require_settings_reader(acting)
    group = _group(request.POST.get("group") or request.GET.get("group"))
    rows = permission_table(school, group)
    if request.method == "POST":
        school = require_settings_editor(acting)
        changes = _posted_changes(request)
        current = {
            (row.function.key, cell.action.value): cell
            for _, fns in rows
            for row in fns
            for cell in row.cells
        }
        diffs = []
        for c in changes:
            cell = current.get((c.function, c.action))
            if cell is None or cell.scope.value == c.scope:
                continue
            diffs.append((c, cell))
        if not diffs:
            messages.info(request, "変更はありません。")
            return redirect(f"{request.path}?group={group.value}")
        if "confirm" not in request.POST:
            fns = functions()
            return render(
                request,
                "access/table_confirm.html",
                {
                    "group": group,
                    "diffs": [
                        {
                            "change": c,
                            "title": fns[c.function].title,
                            "action": Action(c.action).label,
                            "before": cell.scope.label,
                            "after": Scope(c.scope).label if c.scope in Scope.values else c.scope,
                            "default": cell.default.label,
                        }
                        for c, cell in diffs
                    ],
                },
            )
        try:
            count = services.function_permissions_set(
                actor=acting, school=school, group=group, changes=[c for c, _ in diffs]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{group.label}の機能権限を{count}か所変更しました。")
        return redirect(f"{request.path}?group={group.value}")
    return render(
        request,
        "access/table.html",
        {
            "school": school,
            "group": group,
            "groups": SCHOOL_GROUPS,
            "rows": rows,
            "actions": list(Action),
            "scopes": SCOPE_CHOICES,
            "editable": can_edit_settings(acting),
        },
    )


class WhoCanForm(forms.Form):
    function = forms.ChoiceField(label="機能")
    action = forms.ChoiceField(label="操作", choices=Action.choices)
    target = forms.ChoiceField(label="学級・授業クラス")

    def __init__(self, *args: Any, school_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["function"].choices = [  # type: ignore[attr-defined]
            (fn.key, fn.title) for fn in functions().values()
        ]
        year = current_fiscal_year()
        classes = SchoolClass.objects.filter(
            school_id=school_id, fiscal_year=year, is_provisional=False
        ).order_by("grade", "order", "name")
        lessons = LessonClass.objects.filter(
            school_id=school_id, fiscal_year=year, is_provisional=False
        ).order_by("grade", "subject", "name")
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            ("学級", [(f"class:{c.pk}", c.label) for c in classes]),
            ("授業クラス", [(f"lesson:{lc.pk}", lc.name) for lc in lessons]),
        ]


@login_required
@require_GET
def who(request: HttpRequest) -> HttpResponse:
    """「誰が、この学級で、この操作をできるか。なぜか」."""
    acting = acting_of(request)
    school = require_settings_reader(acting)
    form = WhoCanForm(request.GET or None, school_id=school.pk)
    answers = None
    label = ""
    if form.is_valid():
        d = form.cleaned_data
        kind, _, raw_id = d["target"].partition(":")
        if kind == "lesson":
            target = target_of_lesson(LessonClass.objects.get(pk=int(raw_id), school=school))
        else:
            target = target_of_class(SchoolClass.objects.get(pk=int(raw_id), school=school))
        label = target.label
        answers = who_can(school, function=d["function"], action=d["action"], target=target)
    return render(request, "access/who.html", {"form": form, "answers": answers, "label": label})


class DesignationForm(forms.Form):
    account = forms.ModelChoiceField(label="教職員", queryset=Account.objects.none())
    group = forms.ChoiceField(
        label="役職グループ", choices=[(g.value, g.label) for g in SCHOOL_GROUPS]
    )

    def __init__(self, *args: Any, school_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        here = RoleAssignment.objects.filter(organisation_id=school_id).values("account_id")
        self.fields["account"].queryset = Account.objects.filter(  # type: ignore[attr-defined]
            pk__in=here
        ).order_by("display_name")


@login_required
@require_http_methods(["GET", "POST"])
def designations(request: HttpRequest) -> HttpResponse:
    """役職グループの指定 (システム担当 is designated by the 校長)."""
    acting = acting_of(request)
    school = require_settings_reader(acting)
    form = DesignationForm(request.POST or None, school_id=school.pk)
    if request.method == "POST":
        school = require_settings_editor(acting)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.designation_set(
                    actor=acting, school=school, account=d["account"], group=RoleGroup(d["group"])
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    f"{d['account'].display_name} さんを{RoleGroup(d['group']).label}に指定しました。",
                )
                return redirect("access:designations")
    return render(
        request,
        "access/designations.html",
        {
            "designations": designations_at(school),
            "form": form,
            "editable": can_edit_settings(acting),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def designation_remove(request: HttpRequest, designation_id: int) -> HttpResponse:
    acting = acting_of(request)
    school = require_settings_reader(acting)
    designation = (
        RoleGroupDesignation.objects.select_related("account", "school")
        .filter(pk=designation_id, school=school)
        .first()
    )
    if designation is None:
        raise Http404
    require_settings_editor(acting)
    if request.method == "POST":
        services.designation_remove(actor=acting, designation=designation)
        messages.success(
            request,
            f"{designation.account.display_name} さんの指定を解除しました。役割と職名から決まる"
            "役職グループに戻ります。",
        )
        return redirect("access:designations")
    return render(request, "access/designation_remove.html", {"designation": designation})
