"""Role-based navigation: apps register their menu entries, the header shows what fits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from manabi.core.acting import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    # None: every signed-in person; otherwise only these acting roles.
    roles: frozenset[Role] | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    """Called from an app's ``AppConfig.ready``; registering the same URL name again replaces it."""
    for item in items:
        _items[item.url_name] = item


def items_for(role: Role | None) -> list[NavItem]:
    return sorted(
        (item for item in _items.values() if item.roles is None or role in item.roles),
        key=lambda item: (item.order, item.label),
    )


def registered() -> Iterable[NavItem]:
    return tuple(_items.values())
