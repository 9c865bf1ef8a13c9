from django.urls import path

from manabi.attendance import views

app_name = "attendance"

urlpatterns = [
    path("", views.index, name="index"),
]
