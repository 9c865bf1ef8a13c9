"""URLs of 体力テスト (新体力テスト)."""

from django.urls import path  # noqa: F401

app_name = "fitness"

urlpatterns: list = []
