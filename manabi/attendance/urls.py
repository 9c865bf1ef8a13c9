from django.urls import path

from manabi.attendance import reason_views, views

app_name = "attendance"

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar/", views.school_calendar, name="calendar"),
    path("calendar/holidays/", views.holidays, name="holidays"),
    path("reasons/", reason_views.reasons, name="reasons"),
    path("reasons/<id:option_id>/toggle/", reason_views.reason_toggle, name="reason_toggle"),
    path("classes/<id:class_id>/", views.month, name="month"),
    path("classes/<id:class_id>/day/", views.day, name="day"),
    path("classes/<id:class_id>/quick/", views.quick, name="quick"),
    path("classes/<id:class_id>/cell/", views.cell, name="cell"),
    path("classes/<id:class_id>/period/", views.mark_range, name="range"),
    path("classes/<id:class_id>/closure/", views.closure, name="closure"),
    path("classes/<id:class_id>/roll-call/", views.roll_call, name="roll_call"),
    path("classes/<id:class_id>/close/", views.month_close, name="month_close"),
    path("classes/<id:class_id>/reopen/", views.month_reopen, name="month_reopen"),
    path("classes/<id:class_id>/lock/", views.month_lock, name="month_lock"),
    path("classes/<id:class_id>/unlock/", views.month_unlock, name="month_unlock"),
    path("classes/<id:class_id>/year-lock/", views.year_lock, name="year_lock"),
    path("notices/<id:notice_id>/accept/", views.notice_accept, name="notice_accept"),
    path("notices/<id:notice_id>/dismiss/", views.notice_dismiss, name="notice_dismiss"),
]
