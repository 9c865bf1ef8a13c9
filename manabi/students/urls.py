from django.urls import path

from manabi.students import import_views, rollover_views, transfer_views, views

app_name = "students"

urlpatterns = [
    # 児童生徒名簿 (scoped by 別表1), the board's counts, output.
    path("", views.roster, name="roster"),
    path("counts/", views.counts, name="counts"),
    path("roster.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("roster.pdf", views.roster_pdf, name="roster_pdf"),
    path("import/", import_views.roster_import_upload, name="roster_import"),
    path("oneroster.zip", import_views.oneroster_export, name="oneroster"),
    # 年次更新.
    path("rollover/", rollover_views.overview, name="rollover"),
    path("rollover/classes/<id:class_id>/", rollover_views.draft_class, name="rollover_class"),
    path("rollover/apply/", rollover_views.apply, name="rollover_apply"),
    # 学籍: one pupil, 入学・転入, changes, 組編成.
    path("new/", views.create, name="create"),
    path("<id:student_id>/", views.detail, name="detail"),
    path("<id:student_id>/edit/", views.edit, name="edit"),
    path("<id:student_id>/place/", views.place, name="place"),
    # 転出入.
    path("<id:student_id>/transfer/", transfer_views.transfer_out, name="transfer_out"),
    path("transfers/", transfer_views.transfer_list, name="transfers"),
    path("transfers/receive/", transfer_views.package_import, name="package_import"),
    path("transfers/<id:transfer_id>/", transfer_views.transfer_detail, name="transfer_detail"),
    path(
        "transfers/<id:transfer_id>/accept/",
        transfer_views.transfer_accept,
        name="transfer_accept",
    ),
    path(
        "transfers/<id:transfer_id>/cancel/",
        transfer_views.transfer_cancel,
        name="transfer_cancel",
    ),
    path(
        "transfers/<id:transfer_id>/package.zip",
        transfer_views.transfer_package,
        name="transfer_package",
    ),
]
