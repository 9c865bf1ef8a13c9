from django.urls import path

from manabi.access import views

app_name = "access"

urlpatterns = [
    path("", views.table, name="table"),
    path("who/", views.who, name="who"),
    path("designations/", views.designations, name="designations"),
    path(
        "designations/<id:designation_id>/remove/",
        views.designation_remove,
        name="designation_remove",
    ),
]
