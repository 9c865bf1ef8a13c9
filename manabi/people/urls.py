from django.urls import path

from manabi.people import views

app_name = "people"

urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("new/", views.staff_create, name="staff_create"),
    path("<id:staff_id>/", views.staff_detail, name="staff_detail"),
    path("<id:staff_id>/edit/", views.staff_edit, name="staff_edit"),
    path("<id:staff_id>/retire/", views.staff_retire, name="staff_retire"),
    path("<id:staff_id>/assignments/new/", views.assignment_add, name="assignment_add"),
    path(
        "<id:staff_id>/assignments/<id:assignment_id>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
]
