"""育成指標 in the admin site: read only. They are defined on their own pages
(indicators:framework_*), which audit every change."""

from django.contrib import admin

from manabi.core.admin import ReadOnlyAdmin
from manabi.indicators.models import Framework, Item


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("pk", "name", "board", "fiscal_year", "created_at")
    list_filter = ("fiscal_year",)
    search_fields = ("name", "board__name")
    list_select_related = ("board",)


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ("pk", "framework", "code", "stage", "area")
    list_filter = ("framework",)
    search_fields = ("code", "description")
    list_select_related = ("framework", "stage", "area")
