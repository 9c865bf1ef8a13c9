"""Role-based navigation: apps register their menu entries, the header shows what fits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from manabi.core.acting import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    # None: every signed-in person; otherwise only these acting roles.
    roles: frozenset[Role] | None = None
    # A count shown beside the label (未読のお知らせ …): a function of the acting person.
    badge: Callable[[Any], int] | None = field(default=None, compare=False)

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


@dataclass(frozen=True)
class NavLink:
    """A menu entry as the header shows it, with its badge count (0: none)."""

    label: str
    url: str
    count: int = 0


def links_for(acting: Any) -> list[NavLink]:
    """The menu of ``acting`` (an ``Acting``), with each item's badge counted."""
    return [
        NavLink(item.label, item.url, item.badge(acting) if item.badge is not None else 0)
        for item in items_for(acting.role)
    ]
