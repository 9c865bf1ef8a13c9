"""Guardians' absence notices (欠席連絡), mounted at ``/guardian/``: the guardian's pages under
their personal token (no sign-in), and the school's pages that issue and revoke the links."""

from django.urls import path

from manabi.attendance import guardian_views as views

app_name = "guardian"

urlpatterns = [
    # The school's side (signed in, 出席簿 編集 on the class).
    path("classes/<id:class_id>/links/", views.links, name="links"),
    path(
        "classes/<id:class_id>/links/issue/",
        views.links_issue_missing,
        name="links_issue_missing",
    ),
    path(
        "classes/<id:class_id>/guardians/<id:guardian_id>/issue/",
        views.link_issue,
        name="link_issue",
    ),
    path(
        "classes/<id:class_id>/links/<id:link_id>/revoke/",
        views.link_revoke,
        name="link_revoke",
    ),
    # The guardian's side (the token is the authority).
    path("<str:token>/", views.home, name="home"),
    path("<str:token>/notices/<id:notice_id>/", views.notice, name="notice"),
    path("<str:token>/notices/<id:notice_id>/cancel/", views.notice_cancel, name="notice_cancel"),
]
