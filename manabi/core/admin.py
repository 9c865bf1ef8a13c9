from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from manabi.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only view of the audit log: nobody adds, edits or deletes events here."""

    list_display = (
        "seq",
        "occurred_at",
        "actor_login_id",
        "acting_role",
        "action",
        "target_type",
        "target_id",
    )
    list_filter = ("action", "acting_role")
    search_fields = ("actor_login_id", "action", "target_id", "subject_id", "request_id")
    ordering = ("-seq",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
