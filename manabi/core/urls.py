from django.urls import path

from manabi.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("menu/", views.menu, name="menu"),
    path("home/cards/", views.home_cards_part, name="home_cards"),
]
