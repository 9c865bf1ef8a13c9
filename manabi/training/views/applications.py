"""Applications (受講申込): one's own list, an application's page, and each action on it —
the applicant's (withdraw, resubmit, cancel), the route's (approve, reject, send back, in
bulk), the organiser's (decide) — and comments. One URL per action, state changes by POST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from manabi.accounts.selectors import NOBODY, acting_of
from manabi.core.steps import step_view
from manabi.training import selectors
from manabi.training.errors import TrainingError
from manabi.training.forms import (
    ApproveForm,
    BulkApproveForm,
    CommentForm,
    DecisionForm,
    OverrideForm,
    ReasonForm,
    ResubmitForm,
    posted_ids,
)
from manabi.training.models import Application
from manabi.training.permissions import (
    access_application,
    access_application_as_applicant,
    access_application_for_cancel,
    access_application_for_decision,
    access_application_for_step,
    can_cancel,
    is_own,
)
from manabi.training.services import applications as services
from manabi.training.services import decisions
from manabi.training.services.participation import (
    application_completion_override,
    application_completion_revert,
    survey_open_for,
)
from manabi.training.states import ApplicationAction, ApplicationStatus, application_actions

QUEUE_PAGE = 100


def _back(application: Application) -> HttpResponseBase:
    return redirect("training:application_detail", application_id=application.pk)


def _failed(request: HttpRequest, exc: TrainingError) -> None:
    messages.error(request, exc.message)


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    """受講申込: one's own applications and those one made for others."""
    acting = acting_of(request)
    status = request.GET.get("status", "")
    if status and status not in ApplicationStatus.values:
        messages.warning(
            request, f"状態の指定「{status[:20]}」は使えないため、すべての申込を表示しています。"
        )
        status = ""
    applications = (
        selectors.my_applications_in(acting, status)
        if status
        else selectors.my_applications(acting)
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    label = ApplicationStatus(status).label if status else ""
    return render(request, "training/my_applications.html", {"page": page, "status_label": label})


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    acting = acting_of(request)
    application = access_application(acting, application_id)
    step = selectors.current_step(application)
    managing = selectors.manages(acting, application.programme)
    possible = application_actions(application.status)
    own = is_own(acting, application)
    return render(
        request,
        "training/application_detail.html",
        {
            "application": application,
            "programme": application.programme,
            "steps": application.steps.select_related("organisation", "decided_by"),
            "comments": application.comments.select_related("author"),
            "attendance": application.attendance.select_related("session").order_by(
                "session__date"
            ),
            "step": step,
            "my_step": step is not None and services.may_act_on(acting, step, application),
            "own": own,
            "managing": managing,
            "can_withdraw": own and ApplicationAction.WITHDRAW in possible,
            "can_resubmit": own and ApplicationAction.RESUBMIT in possible,
            "can_cancel": ApplicationAction.CANCEL in possible and can_cancel(acting, application),
            "can_decide": managing
            and application.status
            in (ApplicationStatus.AWAITING_DECISION, ApplicationStatus.WAITLISTED),
            "can_override": managing
            and application.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.NOT_COMPLETED),
            "can_revert": managing and ApplicationAction.REVERT in possible,
            "survey_open": own
            and survey_open_for(application)
            and application.programme.questions.exists()
            and not hasattr(application, "survey_response"),
            "approve_form": ApproveForm(),
            "reason_form": ReasonForm(),
            "comment_form": CommentForm(),
            "decision_form": DecisionForm(),
            "override_form": OverrideForm(),
        },
    )


application_withdraw = step_view(
    access=access_application_as_applicant,
    run=lambda acting, application, data: services.application_withdraw(
        actor=acting, application=application
    ),
    done="申込を取り下げました。",
    back=_back,
    errors=(TrainingError,),
)

application_resubmit = step_view(
    access=access_application_as_applicant,
    form=ResubmitForm,
    run=lambda acting, application, data: services.application_resubmit(
        actor=acting, application=application, motivation=data["motivation"]
    ),
    done="再申込しました。承認ルートの最初からやり直します。",
    back=_back,
    errors=(TrainingError,),
)


def _cancelled(application: Application, result: tuple[Application, Application | None]) -> str:
    promoted = result[1]
    extra = f"補欠の {promoted.person_name} さんが繰り上がりました。" if promoted else ""
    return f"受講を取り消しました。{extra}"


application_cancel_view = step_view(
    access=access_application_for_cancel,
    form=ReasonForm,
    invalid="取消の理由を入力してください。",
    run=lambda acting, application, data: decisions.application_cancel(
        actor=acting, application=application, reason=data["reason"]
    ),
    done=_cancelled,
    back=_back,
    errors=(TrainingError,),
)


@login_required
@require_POST
def application_comment(request: HttpRequest, application_id: int) -> HttpResponseBase:
    acting = acting_of(request)
    application = access_application(acting, application_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "コメントを入力してください。")
        return _back(application)
    try:
        services.application_comment(
            actor=acting, application=application, text=form.cleaned_data["text"]
        )
    except TrainingError as exc:
        _failed(request, exc)
    else:
        messages.success(request, "コメントを追加しました。")
    return _back(application)


# --- the route ---------------------------------------------------------------------------------


@login_required
def approval_queue(request: HttpRequest) -> HttpResponse:
    """What waits for me: 承認待ち (steps of my approval route) and 受講決定待ち (applications to
    the programmes I organise), oldest first; a constant number of queries whatever their
    length."""
    acting = acting_of(request)
    if not selectors.sees_queue(acting):
        raise PermissionDenied
    approving = selectors.can_approve(acting)
    page = Paginator(
        selectors.approval_queue(acting) if approving else selectors.approval_queue(NOBODY),
        QUEUE_PAGE,
    ).get_page(request.GET.get("page"))
    deciding = Paginator(selectors.decision_queue(acting), QUEUE_PAGE).get_page(
        request.GET.get("decisions")
    )
    return render(
        request,
        "training/approval_queue.html",
        {"page": page, "approving": approving, "deciding": deciding},
    )


@login_required
@require_POST
def approve_bulk(request: HttpRequest) -> HttpResponse:
    """一括承認: a result for each application chosen."""
    acting = acting_of(request)
    if acting.organisation is None or not selectors.can_approve(acting):
        raise PermissionDenied
    ids = posted_ids(request.POST.getlist("applications"))
    form = BulkApproveForm(request.POST, ids=ids)
    if not form.is_valid():
        messages.error(request, "承認する申込を選んでください。")
        return redirect("training:approval_queue")
    results = services.applications_approve_bulk(
        actor=acting,
        application_ids=form.cleaned_data["applications"],
        comment=form.cleaned_data["comment"],
    )
    names = dict(
        Application.objects.filter(pk__in=[r.application_id for r in results]).values_list(
            "pk", "programme__title"
        )
    )
    done = sum(1 for r in results if r.ok)
    return render(
        request,
        "training/bulk_results.html",
        {
            "rows": [(r, names.get(r.application_id, "")) for r in results],
            "done": done,
            "failed": len(results) - done,
        },
    )


def _to_queue(request: HttpRequest, application: Application, result: object) -> HttpResponseBase:
    return redirect("training:approval_queue")


application_approve = step_view(
    access=access_application_for_step,
    form=ApproveForm,
    run=lambda acting, application, data: services.application_approve(
        actor=acting, application=application, comment=data["comment"]
    ),
    done=lambda application, _: f"{application.person_name} さんの申込を承認しました。",
    back=_back,
    after=_to_queue,
    failed=lambda request, application: redirect("training:approval_queue"),
    errors=(TrainingError,),
)

application_reject = step_view(
    access=access_application_for_step,
    form=ReasonForm,
    invalid="否決の理由を入力してください。理由は申込者に伝わります。",
    run=lambda acting, application, data: services.application_reject(
        actor=acting, application=application, reason=data["reason"]
    ),
    done=lambda application, _: f"{application.person_name} さんの申込を否決しました。",
    back=_back,
    after=_to_queue,
    errors=(TrainingError,),
)

application_send_back = step_view(
    access=access_application_for_step,
    form=ReasonForm,
    invalid="差し戻しの理由を入力してください。",
    run=lambda acting, application, data: services.application_send_back(
        actor=acting, application=application, reason=data["reason"]
    ),
    done=lambda application, _: f"{application.person_name} さんの申込を差し戻しました。",
    back=_back,
    after=_to_queue,
    errors=(TrainingError,),
)


# --- the organiser -----------------------------------------------------------------------------


def _after_decision(
    request: HttpRequest, application: Application, result: object = None
) -> HttpResponseBase:
    if request.POST.get("next") == "list":
        return redirect("training:programme_applications", programme_id=application.programme_id)
    return _back(application)


def _now_status(application: Application, done: Application) -> str:
    return f"{done.person_name} さんを「{done.get_status_display()}」にしました。"


application_decide = step_view(
    access=access_application_for_decision,
    form=DecisionForm,
    invalid="決定(受講決定・補欠・不採択)を選んでください。",
    run=lambda acting, application, data: decisions.application_decide(
        actor=acting,
        application=application,
        decision=data["decision"],
        reason=data["reason"],
    ),
    done=_now_status,
    back=_back,
    after=_after_decision,
    failed=_after_decision,
    errors=(TrainingError,),
)


application_completion_override_view = step_view(
    access=access_application_for_decision,
    form=OverrideForm,
    invalid="判定と上書きの理由を入力してください。",
    run=lambda acting, application, data: application_completion_override(
        actor=acting,
        application=application,
        completed=data["completed"],
        reason=data["reason"],
    ),
    done=_now_status,
    back=_back,
    errors=(TrainingError,),
)

application_completion_revert_view = step_view(
    access=access_application_for_decision,
    form=ReasonForm,
    invalid="判定を取り消す理由を入力してください。",
    run=lambda acting, application, data: application_completion_revert(
        actor=acting, application=application, reason=data["reason"]
    ),
    done=lambda application, done: (
        f"{done.person_name} さんの修了の判定を取り消しました(受講決定に戻しました)。"
    ),
    back=_back,
    errors=(TrainingError,),
)
