"""The attendance book's outputs (mounted at ``/attendance/reports/``)."""

from django.urls import path

from manabi.attendance import report_views as views

app_name = "attendance_reports"

urlpatterns = [
    path("classes/<id:class_id>/month.pdf", views.month_pdf, name="month_pdf"),
    path("classes/<id:class_id>/month.xlsx", views.month_xlsx, name="month_xlsx"),
    path("classes/<id:class_id>/year/", views.class_year, name="class_year"),
    path("classes/<id:class_id>/year.xlsx", views.class_year_xlsx, name="class_year_xlsx"),
    path("school/", views.school_summary, name="school_summary"),
    path("board/", views.board_summary, name="board_summary"),
]
