from django.urls import path

from manabi.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("<id:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path("<id:organisation_id>/edit/", views.organisation_edit, name="organisation_edit"),
]
