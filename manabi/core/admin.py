from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from manabi.core.audit import audit_record
from manabi.core.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For system administrators looking into the data (support, troubleshooting): nothing
    is added, edited or deleted here; changes go through the apps' own pages and services,
    which check and audit them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedReadOnlyAdmin(ReadOnlyAdmin):
    """Read-only, and every look at one record of a person is in the audit log, as on the
    apps' own pages (``admin.view``)."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and response.status_code == 200:
            audit_record(
                actor=request.acting,  # type: ignore[attr-defined]
                action="admin.view",
                target=obj,
                details={"model": obj._meta.label},
            )
        return response


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
