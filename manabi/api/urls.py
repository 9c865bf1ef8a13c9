"""The versioned API (/api/v1/): each app's API views wired in one place."""

from django.urls import path

from manabi.access import api as access_api
from manabi.accounts import api as accounts_api
from manabi.attendance import api as attendance_api
from manabi.eligibility import api as eligibility_api
from manabi.grades import api as grades_api
from manabi.indicators import api as indicators_api
from manabi.records import api as records_api
from manabi.students import api as students_api
from manabi.students import import_api as roster_import_api
from manabi.training import api as training_api
from manabi.training import api_targets as training_targets_api

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="token"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("eligibility/compute/", eligibility_api.ComputeView.as_view(), name="eligibility_compute"),
    # 研修 (training): programmes, applications, approvals, decisions, attendance, completion.
    path("trainings/", training_api.ProgrammeListView.as_view(), name="training_list"),
    path(
        "trainings/<id:programme_id>/target-exceptions/",
        training_targets_api.TargetExceptionListView.as_view(),
        name="training_target_exceptions",
    ),
    path(
        "target-exceptions/<id:exception_id>/",
        training_targets_api.TargetExceptionDetailView.as_view(),
        name="training_target_exception",
    ),
    path(
        "trainings/<id:programme_id>/",
        training_api.ProgrammeDetailView.as_view(),
        name="training_detail",
    ),
    path(
        "trainings/<id:programme_id>/applications/",
        training_api.ApplyView.as_view(),
        name="training_apply",
    ),
    path(
        "trainings/<id:programme_id>/sessions/<id:session_id>/attendance/",
        training_api.AttendanceView.as_view(),
        name="training_attendance",
    ),
    path(
        "trainings/<id:programme_id>/completion/",
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
        "applications/<id:application_id>/",
        training_api.ApplicationDetailView.as_view(),
        name="application_detail",
    ),
    path(
        "applications/<id:application_id>/approve/",
        training_api.ApproveView.as_view(),
        name="application_approve",
    ),
    path(
        "applications/<id:application_id>/reject/",
        training_api.RejectView.as_view(),
        name="application_reject",
    ),
    path(
        "applications/<id:application_id>/send-back/",
        training_api.SendBackView.as_view(),
        name="application_send_back",
    ),
    path(
        "applications/<id:application_id>/decide/",
        training_api.DecideView.as_view(),
        name="application_decide",
    ),
    path(
        "applications/<id:application_id>/completion/",
        training_api.CompletionOverrideView.as_view(),
        name="application_completion",
    ),
    path(
        "applications/<id:application_id>/completion/revert/",
        training_api.CompletionRevertView.as_view(),
        name="application_completion_revert",
    ),
    path("history/", records_api.HistoryView.as_view(), name="history"),
    path("history/export", records_api.HistoryExportView.as_view(), name="history_export"),
    path(
        "history/<id:record_id>/confirm/",
        records_api.HistoryConfirmView.as_view(),
        name="history_confirm",
    ),
    path(
        "history/<id:record_id>/return/",
        records_api.HistoryReturnView.as_view(),
        name="history_return",
    ),
    path(
        "indicators/frameworks/",
        indicators_api.FrameworkListView.as_view(),
        name="indicator_frameworks",
    ),
    path(
        "indicators/coverage/<id:staff_id>/",
        records_api.CoverageView.as_view(),
        name="indicator_coverage",
    ),
    # 校務: pupils, classes, transfers and the permission decision (別表1).
    path("students/", students_api.StudentListView.as_view(), name="student_list"),
    path(
        "students/<id:student_id>/transfer/",
        students_api.TransferOutView.as_view(),
        name="student_transfer",
    ),
    path("classes/", students_api.ClassListView.as_view(), name="class_list"),
    path(
        "classes/<id:class_id>/students/",
        students_api.ClassStudentsView.as_view(),
        name="class_students",
    ),
    path("transfers/", students_api.TransferListView.as_view(), name="transfer_list"),
    path(
        "transfers/<id:transfer_id>/accept/",
        students_api.TransferAcceptView.as_view(),
        name="transfer_accept",
    ),
    path(
        "roster/imports/", roster_import_api.RosterImportListView.as_view(), name="roster_imports"
    ),
    path(
        "roster/imports/<id:job_id>/",
        roster_import_api.RosterImportDetailView.as_view(),
        name="roster_import",
    ),
    path(
        "roster/imports/<id:job_id>/commit/",
        roster_import_api.RosterImportCommitView.as_view(),
        name="roster_import_commit",
    ),
    path(
        "roster/imports/<id:job_id>/rerun/",
        roster_import_api.RosterImportRerunView.as_view(),
        name="roster_import_rerun",
    ),
    path("oneroster/export/", roster_import_api.OneRosterExportView.as_view(), name="oneroster"),
    path("permissions/check/", access_api.PermissionCheckView.as_view(), name="permission_check"),
    # 出席簿 (attendance book): marks, totals and guardians' notices of a class.
    path(
        "attendance/classes/<id:class_id>/marks/",
        attendance_api.BookMarksView.as_view(),
        name="attendance_marks",
    ),
    path(
        "attendance/classes/<id:class_id>/totals/",
        attendance_api.BookTotalsView.as_view(),
        name="attendance_totals",
    ),
    path(
        "attendance/classes/<id:class_id>/notices/",
        attendance_api.BookNoticesView.as_view(),
        name="attendance_notices",
    ),
    path(
        "attendance/classes/<id:class_id>/months/",
        attendance_api.BookMonthView.as_view(),
        name="attendance_month",
    ),
    path(
        "attendance/notices/<id:notice_id>/accept/",
        attendance_api.BookNoticeAcceptView.as_view(),
        name="attendance_notice_accept",
    ),
    path(
        "attendance/notices/<id:notice_id>/dismiss/",
        attendance_api.BookNoticeDismissView.as_view(),
        name="attendance_notice_dismiss",
    ),
    # 成績 (grades): scores, 観点 and 評定 of a 授業クラス, 所見等 of a 学級.
    path(
        "grades/lessons/<id:lesson_id>/scores/",
        grades_api.GradesScoresView.as_view(),
        name="grades_scores",
    ),
    path(
        "grades/lessons/<id:lesson_id>/results/",
        grades_api.GradesResultsView.as_view(),
        name="grades_results",
    ),
    path(
        "grades/lessons/<id:lesson_id>/results/<id:student_id>/",
        grades_api.GradesResultView.as_view(),
        name="grades_result",
    ),
    path(
        "grades/classes/<id:class_id>/narratives/",
        grades_api.GradesNarrativesView.as_view(),
        name="grades_narratives",
    ),
    path(
        "grades/classes/<id:class_id>/records/",
        grades_api.GradesRecordsView.as_view(),
        name="grades_records",
    ),
]
