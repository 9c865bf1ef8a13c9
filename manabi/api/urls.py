"""The versioned API (/api/v1/): each app's API views wired in one place."""

from django.urls import path

from manabi.accounts import api as accounts_api
from manabi.eligibility import api as eligibility_api
from manabi.indicators import api as indicators_api
from manabi.records import api as records_api
from manabi.training import api as training_api

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="token"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("eligibility/compute/", eligibility_api.ComputeView.as_view(), name="eligibility_compute"),
    # 研修 (training): programmes, applications, approvals, decisions, attendance, completion.
    path("trainings/", training_api.ProgrammeListView.as_view(), name="training_list"),
    path(
        "trainings/<int:programme_id>/",
        training_api.ProgrammeDetailView.as_view(),
        name="training_detail",
    ),
    path(
        "trainings/<int:programme_id>/applications/",
        training_api.ApplyView.as_view(),
        name="training_apply",
    ),
    path(
        "trainings/<int:programme_id>/sessions/<int:session_id>/attendance/",
        training_api.AttendanceView.as_view(),
        name="training_attendance",
    ),
    path(
        "trainings/<int:programme_id>/completion/",
        training_api.CompletionView.as_view(),
        name="training_completion",
    ),
    path("applications/", training_api.ApplicationListView.as_view(), name="application_list"),
    path(
        "applications/bulk-approve/",
        training_api.BulkApproveView.as_view(),
        name="application_bulk_approve",
    ),
    path(
        "applications/<int:application_id>/",
        training_api.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "applications/<int:application_id>/approve/",
        training_api.ApproveView.as_view(),
        name="application_approve",
    ),
    path(
        "applications/<int:application_id>/reject/",
        training_api.RejectView.as_view(),
        name="application_reject",
    ),
    path(
        "applications/<int:application_id>/send-back/",
        training_api.SendBackView.as_view(),
        name="application_send_back",
    ),
    path(
        "applications/<int:application_id>/decide/",
        training_api.DecideView.as_view(),
        name="application_decide",
    ),
    path(
        "applications/<int:application_id>/completion/",
        training_api.CompletionOverrideView.as_view(),
        name="application_completion",
    ),
    path("history/", records_api.HistoryView.as_view(), name="history"),
    path("history/export", records_api.HistoryExportView.as_view(), name="history_export"),
    path(
        "history/<int:record_id>/confirm/",
        records_api.HistoryConfirmView.as_view(),
        name="history_confirm",
    ),
    path(
        "history/<int:record_id>/return/",
        records_api.HistoryReturnView.as_view(),
        name="history_return",
    ),
    path(
        "indicators/frameworks/",
        indicators_api.FrameworkListView.as_view(),
        name="indicator_frameworks",
    ),
    path(
        "indicators/coverage/<int:staff_id>/",
        records_api.CoverageView.as_view(),
        name="indicator_coverage",
    ),
]
