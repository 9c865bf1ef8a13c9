"""The catalogue (研修を探す), a programme's page, its materials, and applying."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from manabi.accounts.selectors import acting_of
from manabi.core.csvio import content_disposition
from manabi.training import selectors
from manabi.training.choices import ProgrammeKind
from manabi.training.errors import TrainingError
from manabi.training.forms import ApplyForm, CatalogueForm
from manabi.training.permissions import (
    access_material,
    access_programme,
    access_programme_for_application,
    access_staff_for_application,
    can_apply_for_others,
    can_apply_for_self,
    can_create,
    is_participant,
)
from manabi.training.services.applications import application_submit
from manabi.training.states import ApplicationStatus


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """研修を探す: a constant number of queries whatever the page size."""
    acting = acting_of(request)
    form = CatalogueForm(request.GET or None, organisers=selectors.catalogue_organisers(acting))
    results = selectors.catalogue_search(acting, form.to_query())
    page = Paginator(results, form.page_size()).get_page(request.GET.get("page"))
    return render(
        request,
        "training/catalogue.html",
        {
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "can_create": can_create(acting),
        },
    )


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(label, counts[value]) for value, label in ApplicationStatus.choices if value in counts]


@login_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    acting = acting_of(request)
    programme = access_programme(acting, programme_id)
    managing = selectors.manages(acting, programme)
    participant = is_participant(acting, programme)
    own = selectors.my_applications(acting).filter(programme=programme)
    return render(
        request,
        "training/programme_detail.html",
        {
            "programme": programme,
            "sessions": programme.sessions.all(),
            "materials": [
                m
                for m in programme.materials.all()
                if managing or participant or not m.participants_only
            ],
            "co_organisers": programme.co_organisers.all(),
            "indicator_links": programme.indicator_links.select_related("item", "item__framework"),
            "managing": managing,
            "own_applications": own,
            "counts": _labelled(selectors.place_counts(programme)) if managing else [],
            "taken": selectors.places_taken(programme),
            "accepts": programme.accepts_applications(),
            "can_apply": can_apply_for_self(acting) or can_apply_for_others(acting),
        },
    )


@login_required
def material_download(
    request: HttpRequest, programme_id: int, material_id: int
) -> HttpResponseBase:
    material = access_material(acting_of(request), programme_id, material_id)
    if not material.file:
        return redirect(material.url)
    response = FileResponse(material.file.open("rb"))
    response["Content-Disposition"] = content_disposition(
        (material.file.name or "material").rsplit("/", 1)[-1]
    )
    return response


@login_required
def apply(request: HttpRequest, programme_id: int) -> HttpResponse:
    """申し込む (for oneself, or for a member of staff with a recommendation rank)."""
    acting = acting_of(request)
    programme = access_programme_for_application(acting, programme_id)
    others = selectors.staff_for_applications(acting) if can_apply_for_others(acting) else None
    self_allowed = can_apply_for_self(acting) and programme.kind != ProgrammeKind.RECOMMENDED
    form = ApplyForm(request.POST or None, staff=others, self_allowed=self_allowed)
    if request.method == "POST" and form.is_valid():
        staff = form.cleaned_data.get("staff")
        if staff is not None:
            staff = access_staff_for_application(acting, staff.pk)
        elif not can_apply_for_self(acting):
            raise PermissionDenied
        try:
            application = application_submit(
                actor=acting,
                programme=programme,
                staff=staff,
                recommendation_rank=form.cleaned_data.get("recommendation_rank"),
                motivation=form.cleaned_data["motivation"],
            )
        except TrainingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"{application.person_name} さんの受講申込を受け付けました"
                f"(状態: {application.get_status_display()})。承認の状況はこの画面で確認できます。",
            )
            return redirect("training:application_detail", application_id=application.pk)
    return render(
        request,
        "training/apply.html",
        {"programme": programme, "form": form, "accepts": programme.accepts_applications()},
    )
