from django.urls import path

from manabi.records.views import entry, exports, history, legacy

app_name = "records"

urlpatterns = [
    # One's own history, and entering 校内研修・研究 / 自主研修.
    path("", history.my_history, name="my_history"),
    path("new/", entry.record_new, name="record_new"),
    path("records/<id:record_id>/edit/", entry.record_edit, name="record_edit"),
    path("records/<id:record_id>/withdraw/", entry.record_withdraw, name="record_withdraw"),
    path("records/<id:record_id>/evidence/", entry.record_evidence, name="record_evidence"),
    # The principal: confirm or return, school-wide in-school training.
    path("review/", entry.review_list, name="review_list"),
    path("records/<id:record_id>/confirm/", entry.record_confirm, name="record_confirm"),
    path("records/<id:record_id>/return/", entry.record_return, name="record_return"),
    path("school-training/", entry.school_training_new, name="school_training_new"),
    # Reading: lists and summaries, one person, print, coverage.
    path("list/", history.overview, name="overview"),
    path("staff/<id:staff_id>/", history.staff_history, name="staff_history"),
    path("staff/<id:staff_id>/pdf/", history.staff_history_pdf, name="staff_history_pdf"),
    path("staff/<id:staff_id>/coverage/", history.coverage_of_staff, name="staff_coverage"),
    path(
        "organisations/<id:organisation_id>/coverage/",
        history.coverage_of_organisation,
        name="organisation_coverage",
    ),
    # Exports.
    path("export/", exports.export, name="export"),
    path("exports/<id:export_id>/", exports.export_job, name="export_job"),
    path("exports/<id:export_id>/progress/", exports.export_progress, name="export_progress"),
    path("exports/<id:export_id>/download/", exports.export_download, name="export_download"),
    # Legacy history (移行データ): the upload; the job's pages are the imports app's.
    path("import/", legacy.import_upload, name="import_upload"),
    path("import/template.csv", legacy.import_template, name="import_template"),
]
