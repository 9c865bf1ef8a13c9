"""The fixed cast every permission test uses (house style: one cast, reused everywhere).

Each persona is a person with a stable name. The cast grows with the domain: the
organisations-and-accounts work adds board_officer, principal_a, teacher_a, teacher_b,
organizer and guest (their roles need the organisation tree); until then the cast is:

- ``system_admin``: the deployment's system administrator (システム管理者)
- ``no_role``: a signed-in account with no role anywhere (must see nothing of anyone)
- ``anonymous``: nobody signed in
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client

from manabi.accounts.models import Account
from manabi.accounts.tests.factories import AccountFactory

PASSWORD = "persona-password-123"


@dataclass
class Cast:
    accounts: dict[str, Account | None] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.accounts)

    def client(self, name: str) -> Client:
        client = Client()
        account = self.accounts[name]
        if account is not None:
            client.force_login(account)
        return client


def _system_admin() -> Account:
    account: Account = AccountFactory(
        login_id="persona-admin",
        password=PASSWORD,
        display_name="システム 管理者",
        is_staff=True,
        is_superuser=True,
    )
    return account


def _no_role() -> Account:
    account: Account = AccountFactory(
        login_id="persona-norole", password=PASSWORD, display_name="役割 なし"
    )
    return account


BUILDERS: dict[str, Callable[[], Account | None]] = {
    "system_admin": _system_admin,
    "no_role": _no_role,
    "anonymous": lambda: None,
}
PERSONAS = tuple(BUILDERS)


@pytest.fixture
def cast(db: None) -> Cast:
    return Cast(accounts={name: build() for name, build in BUILDERS.items()})
