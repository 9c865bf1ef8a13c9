"""The demo prefecture is built from contributions: one ``demo`` module per app.

An app that has something to show adds ``manabi/<app>/demo.py`` with

- ``ORDER``: an int; lower runs first (organisations before people before trainings …),
- ``build() -> None``: creates or updates its demo data; must be idempotent,
- ``accounts() -> list[DemoAccount]``: the accounts it provides for people to sign in with.

Everything in the demo is fictional: the prefecture (みらい県, code 480002) does not exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from types import ModuleType

from django.apps import apps

DEMO_PREFECTURE_NAME = "みらい県"
# 48 is not a prefecture; 480002 carries a valid check digit (core.codes).
DEMO_PREFECTURE_CODE = "480002"


@dataclass(frozen=True)
class DemoAccount:
    login_id: str
    password: str
    role: str
    organisation: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Contribution:
    app_label: str
    order: int
    build: Callable[[], None]
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
