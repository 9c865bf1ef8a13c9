"""URLs of the 学校日誌 (日ごとの学校の記録, 校長の承認と締め)."""

from __future__ import annotations

from datetime import date

from django.urls import path, register_converter

from manabi.school_diary import print_views, views


class DiaryDateConverter:
    """A day as ``YYYY-MM-DD`` (2000–2099); an impossible date (2月30日) is a 404."""

    regex = "20[0-9]{2}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError → no match → 404

    def to_url(self, value: date | str) -> str:
        return value if isinstance(value, str) else value.isoformat()


register_converter(DiaryDateConverter, "diary_date")

app_name = "school_diary"

urlpatterns = [
    path("", views.index, name="index"),
    path("month.pdf", print_views.month_pdf, name="month_pdf"),
    path("days/<diary_date:day>/", views.day_view, name="day"),
    path("days/<diary_date:day>/save/", views.day_save, name="day_save"),
    path("days/<diary_date:day>/submit/", views.day_submit, name="day_submit"),
    path("days/<diary_date:day>/approve/", views.day_approve, name="day_approve"),
    path("days/<diary_date:day>/reopen/", views.day_reopen, name="day_reopen"),
    path("days/<diary_date:day>/print.pdf", print_views.day_pdf, name="day_pdf"),
]
