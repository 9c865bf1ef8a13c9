from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from manabi.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: jobs are made by uploading a file and changed only by their tasks."""

    list_display = ("pk", "kind", "file_name", "status", "uploaded_by", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("file_name", "file_sha256", "uploaded_by__login_id")
    exclude = ("content", "plan")
    ordering = ("-created_at",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("content", "plan")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
