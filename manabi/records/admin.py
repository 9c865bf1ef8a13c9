"""Training history in the admin site: read only, for system administrators looking into the
data. Records are written only through the services (every change audited) and every look at
one record is audited here too."""

from django.contrib import admin

from manabi.core.admin import AuditedReadOnlyAdmin
from manabi.records.models import HistoryExport, HistoryRecord


@admin.register(HistoryRecord)
class HistoryRecordAdmin(AuditedReadOnlyAdmin):
    list_display = ("pk", "staff", "title", "fiscal_year", "hours", "status", "source")
    list_filter = ("status", "source", "category", "fiscal_year")
    search_fields = ("title", "programme_number", "staff__staff_number", "source_ref")
    list_select_related = ("staff",)
    raw_id_fields = ("staff", "organiser", "entered_by", "confirmed_by", "legacy_import")
    ordering = ("-pk",)


@admin.register(HistoryExport)
class HistoryExportAdmin(AuditedReadOnlyAdmin):
    list_display = ("pk", "file_name", "format", "encoding", "status", "requested_by", "created_at")
    list_filter = ("status", "format", "encoding")
    list_select_related = ("requested_by",)
    ordering = ("-created_at",)
