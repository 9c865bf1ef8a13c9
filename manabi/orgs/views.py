"""Organisation pages (組織の管理)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from manabi.core import extensions
from manabi.core.acting import acting_of
from manabi.core.formerrors import add_validation_errors, filter_values
from manabi.orgs import services
from manabi.orgs.forms import OrganisationForm, OrganisationSearchForm
from manabi.orgs.permissions import (
    access_organisation,
    access_organisation_for_change,
    can_manage_organisations,
    can_view_organisations,
)
from manabi.orgs.points import ORGANISATION_FACTS
from manabi.orgs.selectors import ancestors, organisations_in_jurisdiction, organisations_search

PAGE_SIZE = 50


def _fields(form: OrganisationForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("parent", None)
    return data


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_view_organisations(acting):
        raise PermissionDenied
    form = OrganisationSearchForm(request.GET or None)
    filters = filter_values(form)
    results = organisations_search(acting, query=filters.get("q", ""), kind=filters.get("kind", ""))
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/organisation_list.html",
        {"form": form, "page": page, "can_manage": can_manage_organisations(acting)},
    )


@login_required
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    acting = acting_of(request)
    organisation = access_organisation(acting, organisation_id)
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "organisation": organisation,
            "ancestors": ancestors(organisation)[:-1],
            "children": organisation.children.order_by("code"),
            "facts": [
                fact
                for fact in extensions.call(
                    ORGANISATION_FACTS, acting=acting, organisation=organisation
                )
                if fact is not None
            ],
            "can_manage": can_manage_organisations(acting),
        },
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    acting = acting_of(request)
    if not can_manage_organisations(acting):
        raise PermissionDenied
    parents = organisations_in_jurisdiction(acting)
    initial = {"parent": request.GET.get("parent")}
    form = OrganisationForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        if parent is None and acting.organisation is not None:
            form.add_error("parent", "上位組織を選んでください。")
        else:
            try:
                organisation = services.organisation_create(
                    actor=acting, parent=parent, **_fields(form)
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, f"{organisation.name} を登録しました。")
                return redirect("orgs:organisation_detail", organisation_id=organisation.pk)
    return render(request, "orgs/organisation_form.html", {"form": form, "organisation": None})


@login_required
def organisation_edit(request: HttpRequest, organisation_id: int) -> HttpResponse:
    acting = acting_of(request)
    organisation = access_organisation_for_change(acting, organisation_id)
    parents = organisations_in_jurisdiction(acting).exclude(path__startswith=organisation.path)
    form = OrganisationForm(request.POST or None, instance=organisation, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=acting,
                organisation=organisation,
                parent=form.cleaned_data["parent"],
                **_fields(form),
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, "変更を保存しました。")
            return redirect("orgs:organisation_detail", organisation_id=organisation.pk)
    return render(
        request, "orgs/organisation_form.html", {"form": form, "organisation": organisation}
    )
