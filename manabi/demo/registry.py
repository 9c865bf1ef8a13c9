"""The demo prefecture is built from contributions: one ``demo`` module per app.

An app that has something to show adds ``manabi/<app>/demo.py`` with

- ``ORDER``: an int; lower runs first (organisations 10, people 20, accounts 30, then
  trainings and the rest),
- ``build(options: DemoOptions) -> None``: creates or completes its demo data. It must be
  idempotent (a second run creates nothing; a run after a partial one fills the gaps), fast
  (``bulk_create`` in chunks, no audit event per row: ``demo_build`` writes one event for the
  whole build) and deterministic (``random.Random(2026)``, fixed dates), and it must honour
  ``options.size`` ("standard": about 30 schools and 1,500 staff; "large": about 50,000
  staff for benchmarks, a superset of "standard"),
- ``accounts() -> list[DemoAccount]``: the accounts it provides for people to sign in with.
  Computed without the database (``manabi demo accounts`` works before any build) and the
  same for every size.

Everything in the demo is fictional: the prefecture (みらい県, code 480002) does not exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from django.apps import apps

DEMO_PREFECTURE_NAME = "みらい県"
DEMO_PREFECTURE_KANA = "みらいけん"
# 48 is not a prefecture; 480002 carries a valid check digit (core.codes).
DEMO_PREFECTURE_CODE = "480002"

STANDARD = "standard"
LARGE = "large"
SIZES = (STANDARD, LARGE)


@dataclass(frozen=True)
class DemoOptions:
    """How the demo is built; passed to every contribution's ``build``."""

    size: str = STANDARD

    def __post_init__(self) -> None:
        if self.size not in SIZES:
            raise ValueError(f"unknown demo size {self.size!r}; choose one of {SIZES}")


@dataclass(frozen=True)
class DemoAccount:
    """An account printed by ``manabi demo accounts`` (the password is public on purpose).

    ``totp_secret``: the base32 secret of the account's authenticator (two-step sign-in);
    ``onboarding``: the account is still in first login (初回ログイン) and ``password`` is
    its initial password; ``note``: what the account shows (e.g. 兼務); ``role_group``: the
    school role group it acts in (``RoleGroup`` value, e.g. ``teacher``).
    """

    login_id: str
    password: str
    role: str
    organisation: str
    name: str
    totp_secret: str = ""
    onboarding: bool = False
    note: str = ""
    role_group: str = ""  # the school role group (別表1/2) of a school account

    def as_dict(self) -> dict[str, str | bool]:
        """The five keys every account has, plus ``totp_secret``, ``onboarding`` and
        ``note`` where they apply."""
        data: dict[str, str | bool] = {
            "login_id": self.login_id,
            "password": self.password,
            "role": self.role,
            "organisation": self.organisation,
            "name": self.name,
        }
        if self.totp_secret:
            data["totp_secret"] = self.totp_secret
        if self.onboarding:
            data["onboarding"] = True
        if self.note:
            data["note"] = self.note
        if self.role_group:
            data["role_group"] = self.role_group
        return data


@dataclass(frozen=True)
class Contribution:
    app_label: str
    order: int
    build: Callable[[DemoOptions], None]
    accounts: Callable[[], list[DemoAccount]]


def contributions() -> list[Contribution]:
    """Every installed manabi app's ``demo`` module, in build order."""
    found: list[Contribution] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("manabi.") or config.label == "demo":
            continue
        try:
            module: ModuleType = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.demo":
                continue
            raise
        found.append(
            Contribution(
                app_label=config.label,
                order=int(module.ORDER),
                build=module.build,
                accounts=module.accounts,
            )
        )
    return sorted(found, key=lambda c: (c.order, c.app_label))


def demo_accounts() -> list[DemoAccount]:
    return [account for c in contributions() for account in c.accounts()]
