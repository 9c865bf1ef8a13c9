from django.urls import path

from manabi.training.views import (
    applications,
    catalogue,
    decisions,
    manage,
    notifications,
    participation,
)

app_name = "training"

P = "<id:programme_id>/"
A = "applications/<id:application_id>/"

urlpatterns = [
    # The catalogue and a programme's page (everyone who may see it).
    path("", catalogue.catalogue, name="catalogue"),
    path(P, catalogue.programme_detail, name="programme_detail"),
    path(f"{P}apply/", catalogue.apply, name="apply"),
    path(f"{P}materials/<id:material_id>/", catalogue.material_download, name="material_download"),
    # Registering and running a programme (organisers, schools).
    path("managed/", manage.managed_list, name="managed_list"),
    path("new/", manage.programme_create, name="programme_create"),
    path(f"{P}edit/", manage.programme_edit, name="programme_edit"),
    path(f"{P}publish/", manage.programme_publish, name="programme_publish"),
    path(f"{P}unpublish/", manage.programme_unpublish, name="programme_unpublish"),
    path(f"{P}cancel/", manage.programme_cancel, name="programme_cancel"),
    path(f"{P}sessions/new/", manage.session_add, name="session_add"),
    path(f"{P}sessions/<id:session_id>/edit/", manage.session_edit, name="session_edit"),
    path(f"{P}sessions/<id:session_id>/delete/", manage.session_delete, name="session_delete"),
    path(f"{P}materials/new/", manage.material_add, name="material_add"),
    path(f"{P}materials/<id:material_id>/delete/", manage.material_delete, name="material_delete"),
    # Decisions and direct enrolment.
    path(f"{P}applications/", decisions.programme_applications, name="programme_applications"),
    path(
        f"{P}accept-in-order/",
        decisions.programme_accept_in_order,
        name="programme_accept_in_order",
    ),
    path(f"{P}lottery/", decisions.programme_lottery, name="programme_lottery"),
    path(f"{P}target-exceptions/", decisions.target_exception_add, name="target_exception_add"),
    path(
        "target-exceptions/<id:exception_id>/withdraw/",
        decisions.target_exception_withdraw,
        name="target_exception_withdraw",
    ),
    path(f"{P}enrol/", decisions.programme_enrol, name="programme_enrol"),
    path(f"{P}enrol/csv/", decisions.programme_enrol_csv, name="programme_enrol_csv"),
    path(f"{P}enrol/survey/", decisions.programme_enrol_survey, name="programme_enrol_survey"),
    # Attendance, completion, the survey.
    path(
        f"{P}sessions/<id:session_id>/attendance/",
        participation.attendance,
        name="attendance",
    ),
    path(
        f"{P}sessions/<id:session_id>/attendance/bulk/",
        participation.attendance_bulk,
        name="attendance_bulk",
    ),
    path(f"{P}completion/", participation.completion, name="completion"),
    path(f"{P}completion/judge/", participation.completion_judge, name="completion_judge"),
    path(f"{P}survey/", participation.survey_edit, name="survey_edit"),
    path(
        f"{P}survey/questions/<id:question_id>/delete/",
        participation.question_delete,
        name="question_delete",
    ),
    path(f"{P}survey/results/", participation.survey_results, name="survey_results"),
    path(f"{P}survey/results.<str:fmt>", participation.survey_export, name="survey_export"),
    # Applications.
    path("applications/", applications.my_applications, name="my_applications"),
    path(A, applications.application_detail, name="application_detail"),
    path(f"{A}withdraw/", applications.application_withdraw, name="application_withdraw"),
    path(f"{A}resubmit/", applications.application_resubmit, name="application_resubmit"),
    path(f"{A}cancel/", applications.application_cancel_view, name="application_cancel"),
    path(f"{A}comment/", applications.application_comment, name="application_comment"),
    path(f"{A}approve/", applications.application_approve, name="application_approve"),
    path(f"{A}reject/", applications.application_reject, name="application_reject"),
    path(f"{A}send-back/", applications.application_send_back, name="application_send_back"),
    path(f"{A}decide/", applications.application_decide, name="application_decide"),
    path(
        f"{A}completion/",
        applications.application_completion_override_view,
        name="application_completion_override",
    ),
    path(
        f"{A}completion/revert/",
        applications.application_completion_revert_view,
        name="application_completion_revert",
    ),
    path(f"{A}survey/", participation.survey_answer, name="survey_answer"),
    # The approval queue.
    path("approvals/", applications.approval_queue, name="approval_queue"),
    path("approvals/bulk/", applications.approve_bulk, name="approve_bulk"),
    # Notifications.
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
]
