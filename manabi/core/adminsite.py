"""The Django admin site (管理サイト), open to system administrators only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class ManabiAdminSite(admin.AdminSite):
    site_header = "manabi 管理サイト"
    site_title = "manabi 管理サイト"
    index_title = "システム管理"

    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here: this module is loaded while the app registry is still being built.
        from manabi.accounts.permissions import can_use_admin_site

        return bool(request.user.is_active and can_use_admin_site(request.user))


class ManabiAdminConfig(AdminConfig):
    default_site = "manabi.core.adminsite.ManabiAdminSite"
