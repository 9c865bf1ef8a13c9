"""API of the training app (/api/v1/trainings/, /api/v1/applications/).

The views are as thin as the pages: they parse with a serializer, fetch through the same
``access_*`` functions and call the same services. Every error is JSON with a stable
``code`` (``errors.ErrorCode``) and a Japanese ``detail``; field errors also come as
``errors``: ``{"code": "invalid", "detail": "…", "errors": {"field": ["…"]}}``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from manabi.accounts.selectors import Acting
from manabi.core.api import (
    ApiView,
    FiscalYearField,
    IdField,
    PageQuerySerializer,
    Pages,
    error_response,
    many,
    page_of,
)
from manabi.orgs.models import Organisation, SchoolType
from manabi.people.choices import JobTitle
from manabi.training import selectors
from manabi.training.choices import (
    DESCRIPTION_MAX,
    TEXT_MAX,
    AttendanceStatus,
    CompletionRule,
    Decision,
    NumberCategory,
    ProgrammeKind,
    RecordCategory,
    RouteOverride,
    TrainingFormat,
    Visibility,
)
from manabi.training.errors import ErrorCode, TrainingError
from manabi.training.models import Application, ApprovalStep, TrainingProgramme
from manabi.training.permissions import (
    access_application,
    access_application_for_decision,
    access_application_for_step,
    access_programme,
    access_programme_for_application,
    access_programme_for_change,
    access_session,
    access_staff_for_application,
    can_apply_for_self,
    can_create,
)
from manabi.training.services import applications as application_services
from manabi.training.services import decisions, participation, programmes
from manabi.training.services.programmes import ProgrammeInput, SessionInput
from manabi.training.states import ApplicationStatus

STATUS_BY_CODE = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.NOT_YOUR_STEP: 403,
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.INVALID: 400,
    ErrorCode.REASON_REQUIRED: 400,
    ErrorCode.RANK_NOT_ALLOWED: 400,
    ErrorCode.NUMBERING_CODE_MISSING: 400,
}


class TrainingAPIView(ApiView):
    """Errors as ``{"code", "detail"}``; a ``TrainingError`` keeps its own code."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, TrainingError):
            return error_response(exc.code, exc.message, STATUS_BY_CODE.get(exc.code, 409))
        return super().handle_exception(exc)


ErrorSerializer = inline_serializer(
    "TrainingError",
    {
        "code": serializers.ChoiceField(
            choices=[c.value for c in ErrorCode] + ["method_not_allowed", "invalid_json"]
        ),
        "detail": serializers.CharField(help_text="日本語のメッセージ"),
        "errors": serializers.DictField(
            required=False, help_text="項目ごとの誤り (invalid のとき)"
        ),
    },
)
ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: ErrorSerializer,
}


# --- serializers -------------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.Serializer[Organisation]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SessionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    date = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    venue = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ProgrammeSerializer(serializers.Serializer[TrainingProgramme]):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="研修事業番号")
    title = serializers.CharField()
    description = serializers.CharField()
    organiser = OrganisationRefSerializer()
    co_organisers = OrganisationRefSerializer(many=True, source="co_organisers.all")
    fiscal_year = serializers.IntegerField()
    category = serializers.ChoiceField(choices=RecordCategory.choices)
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices)
    format = serializers.ChoiceField(choices=TrainingFormat.choices)
    target_school_types = serializers.ListField(
        child=serializers.CharField(), source="school_types"
    )
    target_job_titles = serializers.ListField(child=serializers.CharField(), source="job_titles")
    min_years = serializers.IntegerField(allow_null=True)
    max_years = serializers.IntegerField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    application_opens = serializers.DateField(allow_null=True)
    application_closes = serializers.DateField(allow_null=True)
    accepts_applications = serializers.SerializerMethodField()
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    status = serializers.CharField()
    first_date = serializers.DateField(allow_null=True)
    last_date = serializers.DateField(allow_null=True)
    total_hours = serializers.DecimalField(max_digits=6, decimal_places=1)

    def get_accepts_applications(self, programme: TrainingProgramme) -> bool:
        return programme.accepts_applications()


class ProgrammeDetailSerializer(ProgrammeSerializer):
    sessions = SessionSerializer(many=True, source="sessions.all")
    completion_rule = serializers.ChoiceField(choices=CompletionRule.choices)
    survey_required = serializers.BooleanField()
    indicator_items = serializers.SerializerMethodField()

    def get_indicator_items(self, programme: TrainingProgramme) -> list[int]:
        return list(programme.indicator_links.values_list("item_id", flat=True))


class ProgrammeCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    number = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default="", help_text="空なら自動採番"
    )
    organiser = IdField(
        help_text="主催の組織ID(既定: 操作する人の組織)",
        required=False,
        allow_null=True,
        default=None,
    )
    co_organisers = serializers.ListField(
        child=IdField(), required=False, default=list, max_length=100
    )
    fiscal_year = FiscalYearField(min_value=2000)
    number_category = serializers.ChoiceField(
        choices=NumberCategory.choices, default=NumberCategory.OTHER
    )
    category = serializers.ChoiceField(choices=RecordCategory.choices)
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices, default=ProgrammeKind.VOLUNTARY)
    format = serializers.ChoiceField(
        choices=TrainingFormat.choices, default=TrainingFormat.IN_PERSON
    )
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX
    )
    target_school_types = serializers.ListField(
        child=serializers.ChoiceField(choices=SchoolType.choices),
        required=False,
        default=list,
        max_length=len(SchoolType.choices),
    )
    target_job_titles = serializers.ListField(
        child=serializers.ChoiceField(choices=JobTitle.choices),
        required=False,
        default=list,
        max_length=len(JobTitle.choices),
    )
    min_years = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=60
    )
    max_years = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=60
    )
    capacity = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=100_000
    )
    application_opens = serializers.DateField(required=False, allow_null=True, default=None)
    application_closes = serializers.DateField(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, default=Visibility.JURISDICTION
    )
    route = serializers.ChoiceField(choices=RouteOverride.choices, default=RouteOverride.AUTO)
    completion_rule = serializers.ChoiceField(
        choices=CompletionRule.choices, default=CompletionRule.ALL_SESSIONS
    )
    completion_min_hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, required=False, allow_null=True, default=None
    )
    survey_required = serializers.BooleanField(required=False, default=False)
    indicator_items = serializers.ListField(
        child=IdField(), required=False, default=list, max_length=200
    )
    sessions = many(SessionSerializer, max_items=200, required=False, default=list)
    publish = serializers.BooleanField(
        required=False, default=False, help_text="登録と同時に公開する"
    )


class StepSerializer(serializers.Serializer[ApprovalStep]):
    order = serializers.IntegerField()
    kind = serializers.CharField()
    organisation = OrganisationRefSerializer()
    status = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()


class ApplicationSerializer(serializers.Serializer[Application]):
    id = serializers.IntegerField()
    programme = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    unit = OrganisationRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    recommendation_rank = serializers.IntegerField(allow_null=True)
    waitlist_position = serializers.IntegerField(allow_null=True)
    enrolled_directly = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()
    reason = serializers.CharField()
    steps = StepSerializer(many=True, source="steps.all")

    def get_programme(self, application: Application) -> dict[str, Any]:
        programme = application.programme
        return {"id": programme.pk, "number": programme.number, "title": programme.title}

    def get_person(self, application: Application) -> dict[str, Any]:
        staff = application.staff
        return {
            "staff_id": staff.pk if staff else None,
            "staff_number": staff.staff_number if staff else None,
            "name": application.person_name,
            "guest": staff is None,
        }


class ApplySerializer(serializers.Serializer[Any]):
    staff = IdField(
        required=False, allow_null=True, default=None, help_text="代理申込・推薦する教職員のID"
    )
    recommendation_rank = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=10_000,
        help_text="推薦順位",
    )
    motivation = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX
    )


class CommentSerializer(serializers.Serializer[Any]):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX
    )


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX, help_text="必須"
    )


class DecideSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX
    )


class BulkApproveSerializer(serializers.Serializer[Any]):
    applications = serializers.ListField(child=IdField(), min_length=1, max_length=1000)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX
    )


BulkResultSerializer = inline_serializer(
    "BulkApproveResult",
    {
        "results": inline_serializer(
            "BulkApproveItem",
            {
                "application": serializers.IntegerField(),
                "ok": serializers.BooleanField(),
                "status": serializers.CharField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
            },
            many=True,
        ),
        "approved": serializers.IntegerField(),
        "failed": serializers.IntegerField(),
    },
)


class MarkSerializer(serializers.Serializer[Any]):
    application = IdField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)


class AttendanceSerializer(serializers.Serializer[Any]):
    marks = many(MarkSerializer, max_items=2000)


class CompletionOverrideSerializer(serializers.Serializer[Any]):
    completed = serializers.BooleanField()
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX, help_text="必須"
    )


# --- programmes ----------------------------------------------------------------------------


class CatalogueQuerySerializer(serializers.Serializer[Any]):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="キーワード(2文字の語も一致。スペース区切りで AND)",
    )
    organiser = IdField(
        required=False, allow_null=True, default=None, help_text="主催・共同主催の組織ID"
    )
    format = serializers.ChoiceField(choices=TrainingFormat.choices, required=False, default="")
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices, required=False, default="")
    category = serializers.ChoiceField(choices=RecordCategory.choices, required=False, default="")
    fiscal_year = FiscalYearField(required=False, allow_null=True, default=None)
    date_from = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="この日以降に開催"
    )
    date_to = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="この日以前に開催"
    )
    open = serializers.BooleanField(required=False, default=False, help_text="申込受付中のみ")
    school_type = serializers.ChoiceField(choices=SchoolType.choices, required=False, default="")
    job_title = serializers.ChoiceField(choices=JobTitle.choices, required=False, default="")
    indicator_item = IdField(
        required=False, allow_null=True, default=None, help_text="育成指標の項目ID"
    )
    sort = serializers.ChoiceField(
        choices=list(selectors.SORTS), required=False, default=selectors.DEFAULT_SORT
    )

    def to_query(self) -> selectors.CatalogueQuery:
        data = dict(self.validated_data)
        return selectors.CatalogueQuery(open_only=data.pop("open"), **data)


class ProgrammeListView(TrainingAPIView):
    @extend_schema(
        summary="研修の検索(カタログ)",
        operation_id="v1_trainings_list",
        parameters=[CatalogueQuerySerializer, PageQuerySerializer],
        responses={200: page_of("ProgrammePage", ProgrammeSerializer), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        query = CatalogueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        results = selectors.catalogue_search(self.acting(request), query.to_query())
        pages = Pages()
        page = pages.paginate_queryset(results, request, view=self)
        data = ProgrammeSerializer(page, many=True).data  # type: ignore[arg-type]
        return pages.get_paginated_response(data)

    @extend_schema(
        summary="研修の登録",
        description="研修主催者(と学校の公開研究会を登録する学校管理職)が研修事業を登録します。"
        "sessions を付けると日程も登録し、publish=true で公開します。",
        request=ProgrammeCreateSerializer,
        responses={201: ProgrammeDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        acting = self.acting(request)
        if not can_create(acting):
            raise exceptions.PermissionDenied
        body = ProgrammeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        organisers = selectors.organiser_choices(acting)
        organiser_id = data["organiser"] or (
            acting.organisation.pk if acting.organisation else None
        )
        organiser = organisers.filter(pk=organiser_id).first() if organiser_id else None
        if organiser is None:
            raise TrainingError(ErrorCode.PERMISSION_DENIED, "この組織の研修は登録できません。")
        co = list(selectors.co_organiser_choices().filter(pk__in=data["co_organisers"]))
        if missing := sorted(set(data["co_organisers"]) - {o.pk for o in co}):
            ids = "、".join(str(i) for i in missing[:5])
            raise exceptions.ValidationError(
                {"co_organisers": [f"共催にできる組織が見つかりません (ID {ids})。"]}
            )
        made = programmes.programme_create(
            actor=acting,
            number=data["number"],
            data=ProgrammeInput(
                title=data["title"],
                organiser=organiser,
                fiscal_year=data["fiscal_year"],
                category=data["category"],
                kind=data["kind"],
                format=data["format"],
                number_category=data["number_category"],
                description=data["description"],
                co_organisers=co,
                target_school_types=data["target_school_types"],
                target_job_titles=data["target_job_titles"],
                min_years=data["min_years"],
                max_years=data["max_years"],
                capacity=data["capacity"],
                application_opens=data["application_opens"],
                application_closes=data["application_closes"],
                visibility=data["visibility"],
                route=data["route"],
                completion_rule=data["completion_rule"],
                completion_min_hours=data["completion_min_hours"],
                survey_required=data["survey_required"],
                indicator_item_ids=data["indicator_items"],
            ),
        )
        for session in data["sessions"]:
            programmes.session_add(actor=acting, programme=made, data=SessionInput(**session))
        if data["publish"]:
            made = programmes.programme_publish(actor=acting, programme=made)
        return Response(ProgrammeDetailSerializer(made).data, status=status.HTTP_201_CREATED)


class ProgrammeDetailView(TrainingAPIView):
    @extend_schema(summary="研修の詳細", responses={200: ProgrammeDetailSerializer, **ERRORS})
    def get(self, request: Request, programme_id: int) -> Response:
        programme = access_programme(self.acting(request), programme_id)
        return Response(ProgrammeDetailSerializer(programme).data)


class ApplyView(TrainingAPIView):
    @extend_schema(
        summary="受講申込",
        description="自分の申込。staff を付けると、学校管理職・教育委員会が所属の教職員の代わりに"
        "申し込みます(recommendation_rank で推薦順位)。",
        request=ApplySerializer,
        responses={201: ApplicationSerializer, **ERRORS},
    )
    def post(self, request: Request, programme_id: int) -> Response:
        acting = self.acting(request)
        programme = access_programme_for_application(acting, programme_id)
        body = ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        staff = None
        if body.validated_data["staff"] is not None:
            staff = access_staff_for_application(acting, body.validated_data["staff"])
        elif not can_apply_for_self(acting):
            raise exceptions.PermissionDenied
        application = application_services.application_submit(
            actor=acting,
            programme=programme,
            staff=staff,
            recommendation_rank=body.validated_data["recommendation_rank"],
            motivation=body.validated_data["motivation"],
        )
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class AttendanceView(TrainingAPIView):
    @extend_schema(
        summary="出欠の記録(一括)",
        request=AttendanceSerializer,
        responses={
            200: inline_serializer("AttendanceChanged", {"changed": serializers.DictField()}),
            **ERRORS,
        },
    )
    def post(self, request: Request, programme_id: int, session_id: int) -> Response:
        acting = self.acting(request)
        session = access_session(acting, programme_id, session_id)
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marks = {m["application"]: m["status"] for m in body.validated_data["marks"]}
        changed = participation.attendance_record(actor=acting, session=session, marks=marks)
        return Response({"changed": {str(k): v for k, v in changed.items()}})


class CompletionView(TrainingAPIView):
    @extend_schema(
        summary="修了の判定(研修ごと)",
        description="受講決定の受講者を判定の基準で修了・未修了にし、修了者の研修受講履歴を記録します。",
        request=None,
        responses={
            200: inline_serializer(
                "CompletionSummary",
                {
                    "completed": serializers.ListField(child=serializers.IntegerField()),
                    "not_completed": serializers.ListField(child=serializers.IntegerField()),
                    "pending": serializers.DictField(child=serializers.CharField()),
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request: Request, programme_id: int) -> Response:
        acting = self.acting(request)
        programme = access_programme_for_change(acting, programme_id)
        summary = participation.programme_judge_completion(actor=acting, programme=programme)
        return Response(
            {
                "completed": summary.completed,
                "not_completed": summary.not_completed,
                "pending": {str(k): v for k, v in summary.pending.items()},
            }
        )


# --- applications ----------------------------------------------------------------------------


def _with_route(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.select_related("programme", "staff", "account", "unit").prefetch_related(
        Prefetch(
            "steps", queryset=ApprovalStep.objects.select_related("organisation").order_by("order")
        )
    )


class ApplicationQuerySerializer(serializers.Serializer[Any]):
    awaiting = serializers.ChoiceField(
        choices=["me"], required=False, allow_blank=True, default="", help_text="me: 自分を待つ申込"
    )
    programme = IdField(
        required=False, allow_null=True, default=None, help_text="主催する研修の ID"
    )
    status = serializers.ChoiceField(
        choices=ApplicationStatus.choices, required=False, allow_blank=True, default=""
    )


class ApplicationListView(TrainingAPIView):
    @extend_schema(
        summary="受講申込の一覧",
        operation_id="v1_applications_list",
        description="既定は自分の申込。awaiting=me で自分を待つ申込 (自分の承認を待つ承認待ちと、"
        "自分が主催する研修の受講決定待ち。待ち始めの古い順)、"
        "programme=<ID> で主催する研修の申込。",
        parameters=[ApplicationQuerySerializer, PageQuerySerializer],
        responses={200: page_of("ApplicationPage", ApplicationSerializer), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        acting = self.acting(request)
        query = ApplicationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        qs: QuerySet[Application]
        if params["awaiting"] == "me":
            qs = _queue(selectors.approval_queue(acting), selectors.decision_queue(acting))
        elif params["programme"] is not None:
            programme = access_programme_for_change(acting, params["programme"])
            qs = selectors.programme_applications(programme)
        else:
            qs = selectors.my_applications(acting)
        if params["status"]:
            qs = qs.filter(status=params["status"])
        pages = Pages()
        page = pages.paginate_queryset(_with_route(qs), request, view=self)
        data = ApplicationSerializer(page, many=True).data  # type: ignore[arg-type]
        return pages.get_paginated_response(data)


def _queue(steps: QuerySet[ApprovalStep], deciding: QuerySet[Application]) -> QuerySet[Application]:
    """What waits for the person: the applications of their approval queue and those waiting
    for their decision, oldest first (waiting since the step opened, or since the route's last
    approval — the submission when the programme has no route)."""
    pending = steps.filter(application=OuterRef("pk")).values("pending_since")[:1]
    approved = (
        ApprovalStep.objects.filter(application=OuterRef("pk"), decided_at__isnull=False)
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )
    return (
        Application.objects.filter(
            Q(pk__in=steps.values("application_id")) | Q(pk__in=deciding.values("pk"))
        )
        .annotate(waiting_since=Coalesce(Subquery(pending), Subquery(approved), F("submitted_at")))
        .order_by("waiting_since", "pk")
    )


class ApplicationDetailView(TrainingAPIView):
    @extend_schema(summary="受講申込の詳細", responses={200: ApplicationSerializer, **ERRORS})
    def get(self, request: Request, application_id: int) -> Response:
        application = access_application(self.acting(request), application_id)
        return Response(ApplicationSerializer(application).data)


class StepActionView(TrainingAPIView):
    """An approver's action on the step waiting for them: parse the body, act, answer."""

    body_serializer: type[serializers.Serializer[Any]]

    def act(self, acting: Acting, application: Application, data: dict[str, Any]) -> Application:
        raise NotImplementedError

    def post(self, request: Request, application_id: int) -> Response:
        acting = self.acting(request)
        application = access_application_for_step(acting, application_id)
        body = self.body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = self.act(acting, application, body.validated_data)
        return Response(ApplicationSerializer(done).data)


@extend_schema_view(
    post=extend_schema(
        summary="承認", request=CommentSerializer, responses={200: ApplicationSerializer, **ERRORS}
    )
)
class ApproveView(StepActionView):
    body_serializer = CommentSerializer

    def act(self, acting: Acting, application: Application, data: dict[str, Any]) -> Application:
        return application_services.application_approve(
            actor=acting, application=application, comment=data["comment"]
        )


@extend_schema_view(
    post=extend_schema(
        summary="否決(理由は必須)",
        request=ReasonSerializer,
        responses={200: ApplicationSerializer, **ERRORS},
    )
)
class RejectView(StepActionView):
    body_serializer = ReasonSerializer

    def act(self, acting: Acting, application: Application, data: dict[str, Any]) -> Application:
        return application_services.application_reject(
            actor=acting, application=application, reason=data["reason"]
        )


@extend_schema_view(
    post=extend_schema(
        summary="差し戻し(理由は必須)",
        request=ReasonSerializer,
        responses={200: ApplicationSerializer, **ERRORS},
    )
)
class SendBackView(StepActionView):
    body_serializer = ReasonSerializer

    def act(self, acting: Acting, application: Application, data: dict[str, Any]) -> Application:
        return application_services.application_send_back(
            actor=acting, application=application, reason=data["reason"]
        )


class DecideView(TrainingAPIView):
    @extend_schema(
        summary="受講決定・補欠・不採択",
        request=DecideSerializer,
        responses={200: ApplicationSerializer, **ERRORS},
    )
    def post(self, request: Request, application_id: int) -> Response:
        acting = self.acting(request)
        application = access_application_for_decision(acting, application_id)
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = decisions.application_decide(
            actor=acting,
            application=application,
            decision=body.validated_data["decision"],
            reason=body.validated_data["reason"],
        )
        return Response(ApplicationSerializer(done).data)


class CompletionOverrideView(TrainingAPIView):
    @extend_schema(
        summary="修了の判定の上書き(理由は必須)",
        request=CompletionOverrideSerializer,
        responses={200: ApplicationSerializer, **ERRORS},
    )
    def post(self, request: Request, application_id: int) -> Response:
        acting = self.acting(request)
        application = access_application_for_decision(acting, application_id)
        body = CompletionOverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = participation.application_completion_override(
            actor=acting,
            application=application,
            completed=body.validated_data["completed"],
            reason=body.validated_data["reason"],
        )
        return Response(ApplicationSerializer(done).data)


class CompletionRevertView(TrainingAPIView):
    @extend_schema(
        summary="修了の判定の取消(理由は必須)",
        description="修了・未修了の判定を取り消して受講決定に戻します。修了だった場合は研修受講履歴の"
        "記録も取り除きます (監査ログに残ります)。",
        request=ReasonSerializer,
        responses={200: ApplicationSerializer, **ERRORS},
    )
    def post(self, request: Request, application_id: int) -> Response:
        acting = self.acting(request)
        application = access_application_for_decision(acting, application_id)
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = participation.application_completion_revert(
            actor=acting, application=application, reason=body.validated_data["reason"]
        )
        return Response(ApplicationSerializer(done).data)


class BulkApproveView(TrainingAPIView):
    @extend_schema(
        summary="一括承認",
        description="申込ごとに結果を返します(一つが承認できなくても他は承認します)。",
        request=BulkApproveSerializer,
        responses={200: BulkResultSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        acting = self.acting(request)
        if acting.organisation is None or not selectors.can_approve(acting):
            raise exceptions.PermissionDenied
        body = BulkApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        results = application_services.applications_approve_bulk(
            actor=acting,
            application_ids=body.validated_data["applications"],
            comment=body.validated_data["comment"],
        )
        approved = sum(1 for r in results if r.ok)
        return Response(
            {
                "results": [r.as_dict() for r in results],
                "approved": approved,
                "failed": len(results) - approved,
            }
        )
