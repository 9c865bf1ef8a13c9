"""URLs of  保健室利用 (来室記録と日・月の集計) と保健日誌 (日ごとに締める):保健室."""

from django.urls import path  # noqa: F401

app_name = "healthroom"

urlpatterns: list = []
