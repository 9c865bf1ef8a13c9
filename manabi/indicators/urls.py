from django.urls import path

from manabi.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("new/", views.framework_create, name="framework_create"),
    path("<id:framework_id>/", views.framework_detail, name="framework_detail"),
    path("<id:framework_id>/items/new/", views.item_add, name="item_add"),
    path("<id:framework_id>/import/", views.framework_import, name="framework_import"),
]
