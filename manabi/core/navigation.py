"""Role-based navigation, grouped as the menus of 別表2 (seed 001): apps register their menu
entries with a group, the header shows one entry per group the acting role can use (at most
eight), and a menu search finds an entry by name or keyword (「履歴」→ 自分の研修履歴)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from manabi.core.acting import Role


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    # Groups of one header menu (a key of SECTIONS): the menu lists each group's entries
    # under the group's name. "" for a group that is a header menu of its own.
    section: str = ""


# Header menus that hold several groups: the pupils' records of 別表2 (名簿, 出席簿, 成績,
# 保健) are one menu, so that a principal's header stays within eight entries as the
# school-affairs half grows.
SECTIONS: dict[str, str] = {"pupils": "児童生徒"}

# The menu groups in the order of 別表2's 中メニュー. 成績 and 保健 come with the
# school-affairs issues; a group shows only when the acting role has an entry in it.
GROUPS: tuple[NavGroup, ...] = (
    NavGroup("notices", "連絡・予定"),
    NavGroup("training", "研修"),
    NavGroup("records", "研修履歴"),
    NavGroup("roster", "名簿", section="pupils"),
    NavGroup("attendance", "出席簿", section="pupils"),
    NavGroup("grades", "成績", section="pupils"),
    NavGroup("health", "保健", section="pupils"),
    NavGroup("settings", "設定"),
    NavGroup("users", "ユーザ管理"),
    NavGroup("personal", "個人設定"),
)
GROUP_KEYS = frozenset(group.key for group in GROUPS)
# The header's limit: one entry for ホーム and one per group (issue #14).
MAX_TOP_LEVEL = 8


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    # None: every signed-in person; otherwise only these acting roles.
    roles: frozenset[Role] | None = None
    # A count shown beside the label (未読のお知らせ …): a function of the acting person.
    badge: Callable[[Any], int] | None = field(default=None, compare=False)
    # The menu group (a key of GROUPS); "" for an entry of its own (ホーム).
    group: str = ""
    # Other words the menu search finds this entry by (「申し込み」→ 受講申込).
    keywords: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    """Called from an app's ``AppConfig.ready``; registering the same URL name again replaces it."""
    for item in items:
        if item.group and item.group not in GROUP_KEYS:
            raise ValueError(f"unknown menu group {item.group!r} for {item.url_name}")
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
    current: bool = False
    # The group's name, on the first link of each group of a section menu.
    heading: str = ""


@dataclass(frozen=True)
class NavSection:
    """One top-level entry of the header: a group of links, or a single link of its own."""

    key: str
    label: str
    links: tuple[NavLink, ...]

    @property
    def count(self) -> int:
        return sum(link.count for link in self.links)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def single(self) -> NavLink | None:
        """The link itself when the section is an entry of its own (ホーム)."""
        return self.links[0] if self.key.startswith("item:") else None


def _current_url(urls: Iterable[str], path: str) -> str | None:
    """The menu URL the page at ``path`` belongs to: the longest one ``path`` starts with
    (``/`` only for the home page itself)."""
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len, default=None)


def menu_for(acting: Any, path: str = "") -> list[NavSection]:
    """The header of ``acting`` (an ``Acting``): entries of their own and the groups with at
    least one entry for the acting role, in 別表2's order, each link with its badge counted
    and the one for ``path`` marked current."""
    items = items_for(acting.role)
    current = _current_url([item.url for item in items], path)

    def link(item: NavItem, heading: str = "") -> NavLink:
        count = item.badge(acting) if item.badge is not None else 0
        return NavLink(item.label, item.url, count, item.url == current, heading)

    sections = [
        NavSection(f"item:{item.url_name}", item.label, (link(item),))
        for item in items
        if not item.group
    ]
    grouped: dict[str, list[tuple[NavGroup, list[NavItem]]]] = {}
    for group in GROUPS:
        entries = [item for item in items if item.group == group.key]
        if entries:
            grouped.setdefault(group.section or group.key, []).append((group, entries))
    for key, groups in grouped.items():
        if key in SECTIONS:
            several = len(groups) > 1
            links = tuple(
                link(item, group.label if several and index == 0 else "")
                for group, entries in groups
                for index, item in enumerate(entries)
            )
            sections.append(NavSection(key, SECTIONS[key], links))
        else:
            group, entries = groups[0]
            sections.append(NavSection(group.key, group.label, tuple(link(i) for i in entries)))
    return sections


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def search(acting: Any, query: str) -> list[tuple[NavGroup | None, NavItem]]:
    """The entries of ``acting``'s menu whose name, group or keywords contain ``query``
    (full-width and half-width alike), in menu order."""
    wanted = _normal(query)
    if not wanted:
        return []
    by_key = {group.key: group for group in GROUPS}
    order = {group.key: position for position, group in enumerate(GROUPS)}
    found = []
    for item in items_for(acting.role):
        group = by_key.get(item.group)
        words = [item.label, *item.keywords, group.label if group else ""]
        if any(wanted in _normal(word) for word in words if word):
            found.append((group, item))
    return sorted(found, key=lambda g_i: (order.get(g_i[1].group, -1), g_i[1].order))
