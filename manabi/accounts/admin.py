from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from manabi.accounts.models import Account


@admin.register(Account)
class AccountAdmin(UserAdmin):  # type: ignore[type-arg]
    ordering = ("login_id",)
    list_display = ("login_id", "display_name", "email", "is_active", "is_staff")
    search_fields = ("login_id", "display_name", "email")
    list_filter = ("is_active", "is_staff", "is_superuser")
    fieldsets = (
        (None, {"fields": ("login_id", "password")}),
        ("本人", {"fields": ("display_name", "email")}),
        ("権限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("日時", {"fields": ("last_login", "created_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("login_id", "display_name", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "created_at")
