"""Admin of the training app: only the configuration that has no page of its own — the
市町村コード of the 研修事業番号 (研修事業番号生成シート). Programmes, applications and the
rest change only through the pages and services (audited, with the state machine)."""

from __future__ import annotations

from django.contrib import admin

from manabi.training.models import NumberingCode


@admin.register(NumberingCode)
class NumberingCodeAdmin(admin.ModelAdmin[NumberingCode]):
    list_display = ("organisation", "local_code")
    search_fields = ("organisation__name", "organisation__code", "local_code")
    ordering = ("organisation__path",)
