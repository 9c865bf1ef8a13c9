"""URLs of  日ごとの学校の記録 (天気・行事・来校者・出欠・職員の不在), 校長の承認と締め:学校日誌."""

from django.urls import path  # noqa: F401

app_name = "school_diary"

urlpatterns: list = []
