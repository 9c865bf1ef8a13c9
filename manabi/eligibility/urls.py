from django.urls import path

from manabi.eligibility import views

app_name = "eligibility"

urlpatterns = [
    # The survey, for the centre (and boards: their schools' progress).
    path("", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_open, name="survey_open"),
    path("surveys/<id:survey_id>/", views.survey_detail, name="survey_detail"),
    path("surveys/<id:survey_id>/results/", views.survey_results, name="survey_results"),
    path("surveys/<id:survey_id>/close/", views.survey_close, name="survey_close"),
    path("surveys/<id:survey_id>/targets.csv", views.survey_targets_csv, name="survey_targets_csv"),
    path(
        "surveys/<id:survey_id>/forms/<id:form_number>/<str:fmt>/",
        views.survey_form_download,
        name="survey_form_download",
    ),
    # A school's answer.
    path("submissions/<id:submission_id>/", views.submission_detail, name="submission_detail"),
    path(
        "submissions/<id:submission_id>/recompute/",
        views.submission_recompute,
        name="submission_recompute",
    ),
    path(
        "submissions/<id:submission_id>/mark-attending/",
        views.decisions_mark_attending,
        name="decisions_mark_attending",
    ),
    path(
        "submissions/<id:submission_id>/submit/",
        views.submission_submit,
        name="submission_submit",
    ),
    path(
        "submissions/<id:submission_id>/submit-none/",
        views.submission_submit_none,
        name="submission_submit_none",
    ),
    path(
        "submissions/<id:submission_id>/reopen/",
        views.submission_reopen,
        name="submission_reopen",
    ),
    path(
        "submissions/<id:submission_id>/derive-records/",
        views.records_derive,
        name="records_derive",
    ),
    path(
        "submissions/<id:submission_id>/forms/<id:form_number>/<str:fmt>/",
        views.submission_form_download,
        name="submission_form_download",
    ),
    path("submissions/<id:submission_id>/cards/", views.submission_cards, name="submission_cards"),
    path("decisions/<id:decision_id>/", views.decision_edit, name="decision_edit"),
    # Service records (在職記録) of one person, and the import.
    path("staff/<id:staff_id>/", views.service_records, name="service_records"),
    path("staff/<id:staff_id>/service/", views.service_period_add, name="service_period_add"),
    path("staff/<id:staff_id>/leaves/", views.leave_add, name="leave_add"),
    path("staff/<id:staff_id>/completed/", views.completed_add, name="completed_add"),
    path(
        "staff/<id:staff_id>/<str:category>/<id:record_id>/delete/",
        views.record_delete,
        name="record_delete",
    ),
    path("staff/<id:staff_id>/card/", views.staff_card, name="staff_card"),
    path("records/import/", views.records_import, name="records_import"),
    # Everyone: their own confirmation card.
    path("card/", views.my_card, name="my_card"),
]
