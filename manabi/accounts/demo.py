"""Demo accounts of the accounts app: the system administrator of みらい県."""

from __future__ import annotations

from manabi.accounts.models import Account
from manabi.accounts.roles import Role
from manabi.demo.registry import DEMO_PREFECTURE_NAME, DemoAccount

ORDER = 10

SYSTEM_ADMIN = DemoAccount(
    login_id="480002A0001",
    password="demo-kanri-2026",
    role=Role.SYSTEM_ADMIN.value,
    organisation=f"{DEMO_PREFECTURE_NAME}教育委員会",
    name="管理 はるか",
)


def accounts() -> list[DemoAccount]:
    return [SYSTEM_ADMIN]


def build() -> None:
    admin, created = Account.objects.get_or_create(
        login_id=SYSTEM_ADMIN.login_id,
        defaults={"display_name": SYSTEM_ADMIN.name, "is_staff": True, "is_superuser": True},
    )
    if created or not admin.check_password(SYSTEM_ADMIN.password):
        admin.set_password(SYSTEM_ADMIN.password)
        admin.save(update_fields=["password"])
