"""Dialogue records in the admin site: read only, for system administrators looking into the
data; every look at one record is audited, as on their own pages."""

from django.contrib import admin

from manabi.core.admin import AuditedReadOnlyAdmin
from manabi.dialogue.models import Dialogue


@admin.register(Dialogue)
class DialogueAdmin(AuditedReadOnlyAdmin):
    list_display = ("pk", "staff", "held_on", "fiscal_year", "organisation", "recorded_by")
    list_filter = ("fiscal_year",)
    search_fields = ("staff__staff_number",)
    list_select_related = ("staff", "organisation", "recorded_by")
    raw_id_fields = ("staff", "organisation", "recorded_by")
    exclude = ("history_discussed", "items_discussed")
    ordering = ("-held_on", "-pk")
